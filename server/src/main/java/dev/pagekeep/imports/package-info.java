/**
 * Bulk import: URL lists and Netscape bookmark files (what Chrome and Firefox export), read as
 * streams so a file of a million lines costs a batch of memory, queued durably in batches, with
 * progress that the CLI and the web UI follow.
 */
package dev.pagekeep.imports;
