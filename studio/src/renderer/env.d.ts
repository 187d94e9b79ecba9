import type { BatonApi } from '../preload/create-api.js';

declare global {
  interface Window {
    /** Present inside the desktop app (the preload's API); absent in a browser. */
    baton?: BatonApi;
  }
}
