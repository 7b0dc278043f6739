/**
 * Media types and charsets, the leaf every other package reads Content-Type through:
 * {@link dev.pagekeep.media.MediaTypes} (the type and its {@code charset} parameter),
 * {@link dev.pagekeep.media.Charsets} (how a browser decodes an HTML body) and
 * {@link dev.pagekeep.media.CssCharset} (the same for a stylesheet). No pagekeep imports.
 */
package dev.pagekeep.media;
