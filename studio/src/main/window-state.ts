import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The window opens at a size where every view fits (the studio is designed for 1280×800). */
export const defaultWindowState: WindowState = { width: 1280, height: 800, maximized: false };

/** Loads the saved window bounds; falls back to the default when the file is missing or damaged. */
export async function loadWindowState(file: string, displays: readonly Rect[]): Promise<WindowState> {
  let state: WindowState;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    state = parsed.success ? parsed.data : defaultWindowState;
  } catch {
    state = defaultWindowState;
  }
  return fitToDisplays(state, displays);
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(windowStateSchema.parse(state)));
}

/**
 * A window saved on a monitor that is gone would open off-screen: keep the position only when the window's
 * top-left corner lies on a display, and never larger than the display it is on.
 */
export function fitToDisplays(state: WindowState, displays: readonly Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const display = displays.find((d) => x >= d.x && y >= d.y && x < d.x + d.width && y < d.y + d.height);
  if (!display) return { width: state.width, height: state.height, maximized: state.maximized };
  return {
    ...state,
    width: Math.min(state.width, display.width),
    height: Math.min(state.height, display.height),
  };
}
