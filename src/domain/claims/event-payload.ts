// What of a claim event's payload a viewer reads. The audit trail, the feed
// and webhook bodies all go through here, so they never disagree.

export interface PayloadViewer {
  role: string
  id: string
}

export interface StoredClaimEvent {
  action: string
  actor_role: string
  actor_id: string
  payload: unknown
}

/**
 * The payload without what the viewer may not read: a report_abuse comment
 * is for arbiters (and the seller who wrote it), never for the reported buyer
 * or the integration that relays to the buyer; an arbiter's sanctions are not
 * shown to the buyer (the claim view hides them too).
 */
export function payloadFor(event: StoredClaimEvent, viewer: PayloadViewer): Record<string, unknown> {
  const payload = { ...((event.payload as Record<string, unknown> | null) ?? {}) }
  const author = viewer.role === event.actor_role && viewer.id === event.actor_id
  if (event.action === 'report_abuse' && viewer.role !== 'arbiter' && !author) delete payload.comment
  if (viewer.role === 'buyer') delete payload.sanctions
  return payload
}
