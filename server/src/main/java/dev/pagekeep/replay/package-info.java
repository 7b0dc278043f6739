/**
 * Wayback-style replay. {@link dev.pagekeep.replay.WaybackUrl} is every {@code /web/} address;
 * {@link dev.pagekeep.replay.Replayer} finds the nearest capture and the role each modifier asks for;
 * {@link dev.pagekeep.replay.ReplayRewriter} turns stored bytes into a sealed, script-free page whose
 * every resource points into the archive, through the allow-list {@link dev.pagekeep.replay.ReplayPolicy},
 * {@link dev.pagekeep.replay.ReplaySanitizer} and {@link dev.pagekeep.replay.SvgSanitizer};
 * {@link dev.pagekeep.replay.ServedType} decides what a non-HTML body is served as;
 * {@link dev.pagekeep.replay.ReplayPage} is the banner and frame, {@link dev.pagekeep.replay.Memento}
 * the RFC 7089 headers and TimeMaps. Archived pages are hostile: everything here assumes so.
 */
package dev.pagekeep.replay;
