// oci-common reads instance-principal certificates with node-fetch; Node 20's fetch does the same GET.
const f = (...args) => fetch(...args);
module.exports = f;
module.exports.default = f;
