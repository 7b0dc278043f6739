/**
 * Capture of pages, free of I/O: what a page needs fetched and what it says.
 *
 * <p>Pages are stored as the original bytes. At capture time {@link dev.pagekeep.capture.HtmlCapture}
 * and {@link dev.pagekeep.capture.CssCapture} find what else must be fetched (stylesheets, images,
 * fonts, media, frames) plus the text and links. The table of URL-bearing attributes
 * ({@link dev.pagekeep.capture.ResourceSlots}), URL resolution ({@link dev.pagekeep.capture.Urls}) and
 * parsing ({@link dev.pagekeep.capture.Documents}) are public because replay
 * ({@link dev.pagekeep.replay.ReplayRewriter}) rewrites exactly the slots capture fetched.
 *
 * <p>All entry points accept hostile input: they never throw on bad bytes, bound their work, and throw
 * only {@link java.lang.NullPointerException} for null arguments. Depends only on {@code media}.
 */
package dev.pagekeep.capture;
