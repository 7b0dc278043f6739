// Replay addresses, Wayback-style: /web/{timestamp}{modifier}/{url}, or /web/{url} for the newest
// snapshot. The twin of dev.pagekeep.model.WaybackUrl: every place in the UI that reads or writes a
// /web/ address goes through here.

export const PREFIX = '/web/';

/** Roles a snapshot can be asked for in: '' the replay page (banner and frame), mp_ the page alone, ... */
export const MODIFIERS = ['', 'mp_', 'if_', 'fr_', 'im_', 'cs_', 'js_', 'oe_', 'id_'];

/** 4 to 14 digits that pad to a valid moment ("2024" is 2024-01-01 00:00:00), as Timestamps.isTimestamp. */
function isTimestamp(s) {
  if (!/^\d{4,14}$/.test(s)) return false;
  const p = s + '00000101000000'.slice(s.length);
  const [mo, d, h, mi, se] = [4, 6, 8, 10, 12].map((i) => Number(p.slice(i, i + 2)));
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60;
}

/** "https:/x" (a client that collapsed "//") back to "https://x". */
function repairScheme(url) {
  const m = /^(https?:)\/(?!\/)/i.exec(url);
  return m ? `${m[1]}//${url.slice(m[0].length)}` : url;
}

/**
 * Reads a /web/ address (path and query, with or without the /web/ prefix) into
 * {timestamp, modifier, url}; timestamp is null for "the newest". An unknown two-letter modifier
 * reads as mp_, as on the server.
 */
export function parseWayback(address) {
  const rest = address.startsWith(PREFIX) ? address.slice(PREFIX.length) : address;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    const m = /^(\d+?)([a-z]{2}_)?$/i.exec(first);
    if (m && isTimestamp(m[1])) {
      const code = (m[2] || '').toLowerCase();
      return { timestamp: m[1], modifier: MODIFIERS.includes(code) ? code : 'mp_', url: repairScheme(rest.slice(slash + 1)) };
    }
  }
  return { timestamp: null, modifier: '', url: repairScheme(rest) };
}

/** Writes {timestamp?, modifier?, url} as a /web/ address. */
export function formatWayback({ timestamp = null, modifier = '', url }) {
  if (!timestamp) {
    if (modifier) throw new Error('a modifier needs a timestamp');
    return PREFIX + url;
  }
  if (!MODIFIERS.includes(modifier)) throw new Error(`unknown modifier: ${modifier}`);
  return `${PREFIX}${timestamp}${modifier}/${url}`;
}

/** The replay page of a snapshot (timestamp optional: the newest). */
export const framedUrl = (url, timestamp = null) => formatWayback({ timestamp, url });
