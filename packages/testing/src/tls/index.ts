export { selfSignedCertificate, type SelfSignedOptions, type TlsCredentials } from './self-signed-certificate';
