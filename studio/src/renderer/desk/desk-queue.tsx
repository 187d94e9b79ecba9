import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import type { ResultOf } from '../graphql/graphql.js';
import { EmptyState } from '../ui/empty-state.js';
import { DeskQueueQuery, DeskQueueSubscription } from './desk-documents.js';
import { formatWait, useNow } from './use-now.js';

type QueueItem = ResultOf<typeof DeskQueueQuery>['deskQueue'][number];

const PRIORITY_BADGE: Record<string, string> = { urgent: 'badge-red', high: 'badge-amber', low: 'badge-gray' };

/**
 * The live queue: waiting conversations first, then claimed ones, each by ticket priority and then oldest first (the
 * server's order), with their waiting time ticking; a priority other than normal is shown on the card.
 */
export function DeskQueue(props: {
  selected: string | null;
  /** The colleague's name: their own conversations whose shopper spoke last are marked as waiting on them. */
  name: string;
  onSelect(id: string): void;
  onChange(): void;
}) {
  const [queue, refetch] = useQuery({ query: DeskQueueQuery, requestPolicy: 'cache-and-network' });
  const [change] = useSubscription({ query: DeskQueueSubscription });
  const now = useNow();
  const { onChange } = props;
  useEffect(() => {
    if (!change.data) return;
    refetch({ requestPolicy: 'network-only' });
    onChange();
  }, [change.data, refetch, onChange]);
  const items = queue.data?.deskQueue ?? [];
  return (
    <nav className="desk-queue" aria-label="Queue">
      <div className="panel-title">
        Queue <span className="badge badge-gray">{items.length}</span>
      </div>
      {queue.error && <div className="alert alert-error">{queue.error.message}</div>}
      {!items.length && !queue.fetching && (
        <EmptyState title="Nobody is waiting">Hand-offs appear here live.</EmptyState>
      )}
      <ul>
        {items.map((o) => {
          const why = o.reason ?? o.ticket?.summary;
          const last = lastMessageOf(o.lastMessage);
          const yourTurn = o.state === 'HUMAN' && !!props.name && o.human === props.name && last?.role === 'user';
          // A claimed conversation whose shopper wrote last: how long they have waited for that answer.
          const unanswered = o.state === 'HUMAN' && last?.role === 'user' ? o.lastMessage?.createdAt : undefined;
          const since = unanswered ?? (o.state === 'HUMAN' ? o.claimedAt : o.requestedAt);
          const sinceWhat = unanswered
            ? "Since the shopper's last message"
            : o.state === 'HUMAN'
              ? 'Since claimed'
              : 'Since the request';
          return (
            <li key={o.conversationId}>
              <button
                type="button"
                className="desk-queue-item"
                aria-current={props.selected === o.conversationId ? 'true' : undefined}
                onClick={() => props.onSelect(o.conversationId)}
              >
                <span className="desk-queue-head">
                  <span className={`badge ${o.state === 'WAITING_FOR_HUMAN' ? 'badge-amber' : 'badge-blue'}`}>
                    {o.state === 'WAITING_FOR_HUMAN' ? 'Waiting' : (o.human ?? 'Claimed')}
                  </span>
                  {yourTurn && <span className="badge badge-red desk-queue-priority">Needs your reply</span>}
                  {o.ticket && o.ticket.priority !== 'normal' && (
                    <span className={`badge desk-queue-priority ${PRIORITY_BADGE[o.ticket.priority] ?? 'badge-gray'}`}>
                      {o.ticket.priority}
                    </span>
                  )}
                  <span className="mono muted" role="timer" aria-label="Waiting time" title={sinceWhat}>
                    {since ? formatWait(now - new Date(since).getTime()) : ''}
                  </span>
                </span>
                {why && <span className="desk-queue-reason">{why}</span>}
                {last && (
                  <span className="desk-queue-text truncate">
                    <span className="desk-queue-who">{last.who}:</span> {last.text}
                  </span>
                )}
                <span className="cell-sub mono">{o.ticket?.reference ?? o.conversationId.slice(0, 8)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/**
 * The conversation's latest message and who wrote it, as the card shows it under the hand-off's reason:
 * a colleague sees at a glance whether the shopper spoke last (and is waiting on them).
 */
function lastMessageOf(event: QueueItem['lastMessage']): { who: string; role: string; text: string } | null {
  const data = event?.data;
  if (!data || !('text' in data) || !data.text) return null;
  const who =
    data.role === 'user'
      ? 'Shopper'
      : data.role === 'human'
        ? (data.author ?? 'Colleague')
        : (event.agentName ?? 'Bot');
  return { who, role: data.role, text: data.text };
}
