// HISTORY PANEL — placeholder. The topology history API (a cluster's and a server's changes
// in order, detection and recovery decisions with their evidence) is built on its own branch
// ("history"); when it lands, fill this in: fetch the history route for the cluster or the
// server, render it into `section` with el()/textContent only, and unhide the section. The
// cluster and instance pages already call it on every refresh.

/** Fills the history section of a cluster ({cluster}) or a server ({host, port}) page. */
export async function refreshHistory(ctx, section, subject) {
  void ctx;
  void subject;
  section.hidden = true;
}
