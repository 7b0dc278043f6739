/**
 * Capture and replay of archived pages, free of I/O and of other pagekeep packages.
 *
 * <p>Pages are stored as the original bytes. At capture time {@link dev.pagekeep.capture.HtmlCapture}
 * and {@link dev.pagekeep.capture.CssCapture} find what else must be fetched (stylesheets, images,
 * fonts, media, frames) plus the text and links; at replay time {@link dev.pagekeep.capture.ReplayRewriter}
 * turns the stored bytes into a sealed, script-free page whose every resource points into the
 * archive through a {@link dev.pagekeep.capture.UrlRewriter}. Capture and replay share one table of
 * URL-bearing attributes ({@code ResourceSlots}) so that what is fetched is exactly what is rewritten.
 *
 * <p>All entry points accept hostile input: they never throw on bad bytes, bound their work, and throw
 * only {@link java.lang.NullPointerException} for null arguments.
 */
package dev.pagekeep.capture;
