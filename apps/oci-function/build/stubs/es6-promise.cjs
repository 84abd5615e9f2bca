// Node 20 has Promise: oci-common's es6-promise polyfill is not needed.
module.exports = { polyfill() {}, Promise };
