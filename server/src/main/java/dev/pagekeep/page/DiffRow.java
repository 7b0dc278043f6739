package dev.pagekeep.page;

/**
 * One row of the diff page ({@code diff.jte}): a line of text, {@code kind} {@code added},
 * {@code removed} or {@code same}, or ({@code kind} {@code fold}) a run of {@code folded} unchanged
 * lines left out.
 */
public record DiffRow(String kind, String text, int folded) {}
