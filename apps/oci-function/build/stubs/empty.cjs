// Node 20 has fetch: oci-common's isomorphic-fetch polyfill is not needed.
module.exports = {};
