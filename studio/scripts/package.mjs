// `pnpm --filter @baton/studio package`: an unpacked desktop app for this OS in dist/package/.
// Needs the Electron download (from a machine with internet access); everything it ships is already bundled.
import { packager } from '@electron/packager';

const keep = (path) =>
  path === '' || path === '/package.json' || /^\/dist(\/(main|preload|renderer)(\/|$)|$)/.test(path);

const paths = await packager({
  dir: '.',
  name: 'Baton Studio',
  out: 'dist/package',
  overwrite: true,
  prune: false,
  asar: true,
  ignore: (path) => !keep(path),
});
console.log(`[studio] packaged: ${paths.join(', ')}`);
