package dev.pagekeep.model;

/**
 * A requisite the browser fetched with its own session and sent with a save (the extension's
 * toolbar capture), kept until the capture uses it instead of fetching the URL itself.
 *
 * @param url         the requisite's absolute URL, without fragment
 * @param contentType the Content-Type the browser saw; may be null
 * @param status      the HTTP status the browser saw
 * @param digest      blob digest of the body
 * @param size        body length in bytes
 */
public record SaveResource(String url, String contentType, int status, String digest, long size) {}
