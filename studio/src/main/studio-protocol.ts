import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The packaged renderer is loaded from app://studio/studio/…, matching the `/studio/` base it was built with. */
export const studioScheme = 'app';
export const studioOrigin = `${studioScheme}://studio`;
export const studioEntryUrl = `${studioOrigin}/studio/`;

/** Maps an app:// request URL to a file under the renderer build; anything that is not a file is index.html. */
export function resolveStudioFile(requestUrl: string, rendererDir: string, isFile: (path: string) => boolean): string {
  const { pathname } = new URL(requestUrl);
  const relative = decodeURIComponent(pathname).replace(/^\/studio\/?/, '');
  const file = normalize(join(rendererDir, relative));
  if (!file.startsWith(normalize(rendererDir)) || relative === '' || !isFile(file))
    return join(rendererDir, 'index.html');
  return file;
}

export const fileUrl = (path: string) => pathToFileURL(path).toString();

/** The renderer talks to whichever Baton server the user picked, so connect-src stays open; everything else is local. */
export const studioContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  'connect-src http: https: ws: wss:',
].join('; ');
