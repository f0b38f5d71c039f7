// Drafts: the answer on screen, kept in localStorage per project, so that a reload (or a
// lease that expired while the expert was away) comes back to the same answer, sent again
// under the same client_uuid. localStorage throws when storage is disabled (some private
// modes); the workbench then simply works without drafts.

function read(key) {
  try {
    const draft = JSON.parse(window.localStorage.getItem(key));
    return draft && typeof draft === 'object' ? draft : null;
  } catch {
    return null;
  }
}

/**
 * The drafts of one project. Returns {save, resume, clear}:
 *   save(taskId, {state, clientUuid, sentAs})  keep the answer on screen
 *   resume(taskId, restore)  hand the kept state of taskId to restore(state); when restore
 *     accepts it, returns {clientUuid, sentAs}; else drops the draft (kept for a task no
 *     longer leased to us, or one that no longer fits) and returns null
 *   clear()  forget the draft (answer stored, skipped, or no task left)
 */
export function projectDrafts(projectId) {
  const key = `wanbiao-draft-${projectId}`;
  function clear() {
    try {
      window.localStorage.removeItem(key);
    } catch { /* no drafts */ }
  }
  return {
    save(taskId, { state, clientUuid, sentAs }) {
      const draft = { task_id: taskId, state, client_uuid: clientUuid, sent_as: sentAs };
      try {
        window.localStorage.setItem(key, JSON.stringify(draft));
      } catch { /* no drafts */ }
    },
    resume(taskId, restore) {
      const draft = read(key);
      if (draft && draft.task_id === taskId && typeof draft.client_uuid === 'string'
          && draft.state && restore(draft.state)) {
        const sentAs = typeof draft.sent_as === 'string' ? draft.sent_as : null;
        return { clientUuid: draft.client_uuid, sentAs };
      }
      if (draft) clear();
      return null;
    },
    clear,
  };
}
