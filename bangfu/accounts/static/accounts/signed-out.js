/* bangfu: the sign-in page, shown after signing out and to whoever is not signed in. The
   copies a phone kept of a helper's own pages for working offline (Cache API, names
   "bangfu-…", see visits/sw.js) are forgotten here, so that the next person on this phone
   does not open the last one's households. Visits waiting to be sent are not touched. */
"use strict";
if (window.caches) {
  caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("bangfu-")).map((name) => caches.delete(name))
  )).catch(() => { /* nothing kept, or no storage: nothing to forget */ });
}
