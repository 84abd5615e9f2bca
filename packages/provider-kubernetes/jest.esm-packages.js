// ES-module-only packages on @kubernetes/client-node's import graph (see jest.esm-transform.js).
exports.esmPackages = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus', 'rfc4648'];
