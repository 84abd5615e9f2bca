import { ApiError, route, type ApiResponse, type Route } from './fake-http';

/**
 * Object Storage GetObject, enough to serve a policy file: signed
 * `/n/{namespace}/b/{bucket}/o/{object}` and pre-authenticated
 * `/p/{token}/n/{namespace}/b/{bucket}/o/{object}` (no signature, like the service).
 */
export class FakeObjectStorage {
  private readonly objects = new Map<string, string>();
  private readonly pars = new Map<string, string>();

  put(namespace: string, bucket: string, object: string, text: string): string {
    this.objects.set(`${namespace}/${bucket}/${object}`, text);
    return `/n/${namespace}/b/${bucket}/o/${encodeURIComponent(object)}`;
  }

  /** A pre-authenticated request path for an object. */
  preauthenticate(namespace: string, bucket: string, object: string, token: string): string {
    this.pars.set(token, `${namespace}/${bucket}/${object}`);
    return `/p/${token}/n/${namespace}/b/${bucket}/o/${encodeURIComponent(object)}`;
  }

  routes(): Route[] {
    return [
      route('GET', '/n/{ns}/b/{bucket}/o/{object}', 'GetObject', (r) => this.get(`${r.params['ns']}/${r.params['bucket']}/${r.params['object']}`)),
      route(
        'GET',
        '/p/{token}/n/{ns}/b/{bucket}/o/{object}',
        'GetObjectPar',
        (r) => {
          const key = `${r.params['ns']}/${r.params['bucket']}/${r.params['object']}`;
          if (this.pars.get(r.params['token']!) !== key) throw new ApiError(404, 'NotAuthorizedOrNotFound', 'pre-authenticated request not found');
          return this.get(key);
        },
        { unsigned: true },
      ),
    ];
  }

  private get(key: string): ApiResponse {
    const text = this.objects.get(key);
    if (text === undefined) throw new ApiError(404, 'ObjectNotFound', `object ${key} not found`);
    return { status: 200, body: text, headers: { 'content-type': 'text/plain' }, raw: true };
  }
}
