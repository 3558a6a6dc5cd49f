/* bangfu: the phone's queues of what is not yet sent, in IndexedDB: one database a kind of
   record (visits in "bangfu-visits", check-ins in "bangfu-check-ins"), each with one store
   "queue" keyed by the id made on the phone. The page that saves a kind writes its queue;
   every page the phone keeps for offline use reads how many wait in the queue it names. A
   change is announced with a "bangfu:queue" event on the document. */
"use strict";
window.bangfuQueues = (function () {
  const STORE = "queue";
  const opened = {};

  function database(name) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(name, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "client_id" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  function changed(result) {
    document.dispatchEvent(new CustomEvent("bangfu:queue"));
    return result;
  }

  function open(name) {
    if (opened[name]) return opened[name];
    async function store(mode, work) {
      const db = await database(name);
      return new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => { db.close(); resolve(request && request.result); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      });
    }
    opened[name] = {
      all: () => store("readonly", (s) => s.getAll()),
      keep: (item) => store("readwrite", (s) => s.put(item)).then(changed),
      forget: (id) => store("readwrite", (s) => s.delete(id)).then(changed),
    };
    return opened[name];
  }

  return { open };
})();
// The visits' queue, by the name the visits pages have always used.
window.bangfuQueue = window.bangfuQueues.open("bangfu-visits");
