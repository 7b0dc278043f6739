// The UI's origin, reached by a link from the replay origin (http://localhost:PORT): that navigation
// was cross-site, so the browser left out the SameSite=Strict session cookie. Navigating again from
// this page is same-site and sends it; without a session the server then shows the login page.
// "/?" differs from "/" (a change of #fragment alone would not load the page again); app.js tidies it.
location.replace(location.pathname + (location.search || '?') + location.hash);
