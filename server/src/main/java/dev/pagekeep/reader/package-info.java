/**
 * The reader view: an archived page's article, cleaned for reading ({@link dev.pagekeep.reader.ReaderView}),
 * and the same from a stored capture's bytes ({@link dev.pagekeep.reader.ReaderText}) for the reader
 * route, the Markdown export and the exported site. Depends on {@code capture}, {@code media}, {@code model}.
 */
package dev.pagekeep.reader;
