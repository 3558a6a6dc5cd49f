/* bangfu: the phone's queue of visits not yet sent, in IndexedDB. The capture page writes it;
   every page the phone keeps for offline use reads how many wait. A change is announced with
   a "bangfu:queue" event on the document. */
"use strict";
window.bangfuQueue = (function () {
  const DB = "bangfu-visits";
  const STORE = "queue";

  function database() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "client_id" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  async function store(mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(request && request.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  }

  function changed(result) {
    document.dispatchEvent(new CustomEvent("bangfu:queue"));
    return result;
  }

  return {
    all: () => store("readonly", (s) => s.getAll()),
    keep: (item) => store("readwrite", (s) => s.put(item)).then(changed),
    forget: (id) => store("readwrite", (s) => s.delete(id)).then(changed),
  };
})();
