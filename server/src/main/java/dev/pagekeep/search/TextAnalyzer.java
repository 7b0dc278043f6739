package dev.pagekeep.search;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * Words as people type them: Unicode word boundaries, lower case, accents folded ("café" finds
 * "cafe"). No stemming and no stop words, so phrases and prefixes match what is on the page.
 * {@link #normalize} folds prefix terms ({@code Arch*}) the same way.
 */
final class TextAnalyzer extends Analyzer {
  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer tokenizer = new StandardTokenizer();
    tokenizer.setMaxTokenLength(64);
    TokenStream stream = new ASCIIFoldingFilter(new LowerCaseFilter(tokenizer));
    return new TokenStreamComponents(tokenizer, stream);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new ASCIIFoldingFilter(new LowerCaseFilter(in));
  }
}
