import postgres from 'postgres';
import { EVENTS_CHANNEL, type EventNotice } from './queries/events.js';
import { IMPORT_CONTROL_CHANNEL, IMPORT_PROGRESS_CHANNEL } from './queries/import-ends.js';
import { PROGRESS_CHANNEL, type AssetProgressNotice } from './queries/jobs.js';
import type { ImportView } from '@darkroom/core/contract/import';

/** An import's counts as it runs (`notifyImportProgress`): live only. */
export interface ImportProgressNotice {
  tenantId: string;
  import: ImportView;
}

/** The `application_name` of the listening connection, so an operator can tell it apart in `pg_stat_activity`. */
export const EVENTS_LISTENER_NAME = 'darkroom-events-listener';

export interface EventListenerHandlers {
  /** A committed event of some tenant (the payload `recordAssetEvent` sent). */
  onNotice(notice: EventNotice): void;
  /** A job's progress (live-only: no event row holds it); `recordJobProgress` sent it. */
  onProgress?(notice: AssetProgressNotice): void;
  /** An import's progress (live-only); `notifyImportProgress` sent it. */
  onImportProgress?(notice: ImportProgressNotice): void;
  /**
   * Listening (again): called once the LISTEN is in place, and after every reconnection. Notices sent
   * while the connection was down are lost, so this is where a listener catches up from the table.
   */
  onListen(): void;
}

export interface EventListener {
  close(): Promise<void>;
}

function parseNotice(payload: string): EventNotice | null {
  try {
    const notice = JSON.parse(payload) as Partial<EventNotice>;
    const strings = [notice.id, notice.tenantId].every((value) => typeof value === 'string');
    // An import's event has no asset.
    return strings && (typeof notice.assetId === 'string' || notice.assetId === null) ? (notice as EventNotice) : null;
  } catch {
    return null;
  }
}

function parseProgress(payload: string): AssetProgressNotice | null {
  try {
    const notice = JSON.parse(payload) as Partial<AssetProgressNotice>;
    const strings = [notice.tenantId, notice.assetId, notice.jobId].every((value) => typeof value === 'string');
    return strings && typeof notice.progress === 'number' ? (notice as AssetProgressNotice) : null;
  } catch {
    return null;
  }
}

function parseImportProgress(payload: string): ImportProgressNotice | null {
  try {
    const notice = JSON.parse(payload) as Partial<ImportProgressNotice>;
    return typeof notice.tenantId === 'string' && typeof notice.import?.id === 'string' ? (notice as ImportProgressNotice) : null;
  } catch {
    return null;
  }
}

/**
 * One connection that LISTENs on `darkroom_events` (and `darkroom_progress`). postgres.js reconnects it by itself (with
 * backoff) and listens again, calling `onListen` each time. Resolves once the first LISTEN is in place.
 */
export async function listenForEvents(url: string, handlers: EventListenerHandlers): Promise<EventListener> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5, connection: { application_name: EVENTS_LISTENER_NAME } });
  try {
    await sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        const notice = parseNotice(payload);
        if (notice) handlers.onNotice(notice);
      },
      () => handlers.onListen(),
    );
    // Lost while the connection is down, and that is fine: the next tick (a second later) says more.
    await sql.listen(PROGRESS_CHANNEL, (payload) => {
      const notice = parseProgress(payload);
      if (notice) handlers.onProgress?.(notice);
    });
    await sql.listen(IMPORT_PROGRESS_CHANNEL, (payload) => {
      const notice = parseImportProgress(payload);
      if (notice) handlers.onImportProgress?.(notice);
    });
  } catch (error) {
    // Otherwise postgres.js would go on trying to listen in the background for a listener no one holds.
    await sql.end({ timeout: 0 });
    throw error;
  }
  return { close: () => sql.end({ timeout: 1 }) };
}

/** The `application_name` of the listening connection of a worker that runs imports. */
export const IMPORT_CONTROL_LISTENER_NAME = 'darkroom-import-controls';

/**
 * One connection that LISTENs on `darkroom_import_control` and hands each import id a pause or cancel
 * names to `onControl`. postgres.js reconnects it by itself; a notice sent meanwhile is lost, and the
 * runner's lease renewal sees the change instead. Resolves once the LISTEN is in place.
 */
export async function listenForImportControls(url: string, onControl: (importId: string) => void): Promise<EventListener> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5, connection: { application_name: IMPORT_CONTROL_LISTENER_NAME } });
  try {
    await sql.listen(IMPORT_CONTROL_CHANNEL, (payload) => onControl(payload));
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw error;
  }
  return { close: () => sql.end({ timeout: 1 }) };
}
