/**
 * What changed between two snapshots: {@link dev.pagekeep.diff.TextDiff} (Myers' line diff of visible
 * text) and {@link dev.pagekeep.diff.SnapshotDiff} (two captures of a URL, found through the replayer,
 * rendered as a diff page). Depends on {@code reader}, {@code replay} and {@code store}.
 */
package dev.pagekeep.diff;
