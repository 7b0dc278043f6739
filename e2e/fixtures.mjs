// Fixture pages for the end-to-end tests.

/** A page whose visible text is written by script after load: a fetch of its URL cannot see it. */
export const SCRIPTED_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Scripted page</title></head>
<body>
<p id="msg">text from the server</p>
<script>
  window.addEventListener('load', () => {
    const words = ['dom', 'written', 'after', 'load'];
    document.getElementById('msg').textContent = words.join('-') + ' ✓ ünïcödé';
    document.title = 'Scripted page (' + words.length + ')';
  });
</script>
</body></html>`;

export function article(n) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Article ${n}</title></head>
<body><h1>Article ${n}</h1><p>Body of article number ${n}.</p></body></html>`;
}

/** A page linking to the 20 articles, plus links that "all links" must skip or fold together. */
export function linksPage(base) {
  const links = [];
  for (let n = 1; n <= 20; n++) links.push(`<li><a href="/articles/${n}.html">Article ${n}</a></li>`);
  const noise = [
    '<a href="/articles/3.html">article 3 again</a>',
    `<a href="${base}/articles/4.html#comments">article 4, comments</a>`,
    '<a href="#top">top of this page</a>',
    '<a href="/links.html#section-2">this page, section 2</a>',
    '<a href="mailto:someone@example.org">mail</a>',
    '<a href="javascript:void(0)">script link</a>',
    '<a href="ftp://127.0.0.1/file.txt">ftp</a>',
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><title>Links</title></head>
<body id="top"><ul>${links.join('\n')}</ul><p>${noise.join(' ')}</p></body></html>`;
}

export function oneLinkPage(href) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>One link</title></head>
<body><p>Read <a id="the-link" href="${href}">this article</a> later.</p></body></html>`;
}
