// The agent desktop: status, the ringing offer (with its ring), the contact in progress, after-contact
// work with its countdown, today's contacts, and the softphone's place. Everything the buttons do goes
// through the API; the event stream shows what happened, and a reconnect fetches the desk again.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, query, session } from '../api.ts';
import { ErrorBox, Link, Section, useLoad, useNow } from '../components/common.tsx';
import { Softphone, usePhoneStatus } from '../components/softphone.tsx';
import { phone as phoneStore, phoneMode, type Phone, type PhoneStatus } from '../phone/phone.ts';
import { useEvents } from '../events.ts';
import { dateTime, duration, epoch, localDate, serverNow, time, zonedToEpoch } from '../format.ts';
import { useT } from '../i18n.ts';
import { startRing, stopRing, unlockAudio } from '../ring.ts';
import { useStore } from '../store.ts';
import type { AgentDesk, AgentState, CenterEvent, ContactRecord, LiveContact } from '../types.ts';

/** `ringUntil` and `offeredAt` come with the offer event only (epoch ms, the line's clock). */
type Offer = LiveContact & { ringUntil?: number; offeredAt?: number };

export function AgentDesktop() {
  const { t } = useT();
  const s = useStore(session);
  const agentId = s?.user.agentId;
  const desk = useLoad(() => api<AgentDesk>('GET', '/api/agent'), []);
  const [agent, setAgent] = useState<AgentState | undefined>(undefined);
  const [offers, setOffers] = useState<Map<string, Offer>>(new Map());
  const [active, setActive] = useState<LiveContact | undefined>(undefined);
  const [lastContact, setLastContact] = useState<LiveContact | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // Offers and contacts an event has ended: a desk fetched before that event must not bring them back.
  const ended = useRef(new Set<string>());
  const today = useLoad(
    () => api<{ records: ContactRecord[] }>('GET', `/api/contacts${query({ from: new Date(zonedToEpoch(localDate(serverNow()))).toISOString(), agent: agentId, limit: 100 })}`),
    [agentId],
  );

  // The desk as fetched replaces what events built up: it is the truth after a reconnect.
  useEffect(() => {
    const d = desk.data;
    if (!d) return;
    setAgent(d.agent);
    // The desk does not say until when an offer rings; the event did.
    setOffers((prev) => new Map(d.offers.filter((o) => !ended.current.has(o.contactId)).map((o): [string, Offer] => {
      const p = prev.get(o.contactId);
      return [o.contactId, p?.ringUntil !== undefined ? { ...o, ringUntil: p.ringUntil, offeredAt: p.offeredAt } : o];
    })));
    const connected = d.contacts.find((c) => c.phase === 'connected' && !ended.current.has(`${c.contactId}:call`));
    setActive(connected);
    if (connected) setLastContact(connected);
  }, [desk.data]);

  useEvents((e: CenterEvent) => {
    if (!('agentId' in e) || e.agentId !== agentId) return;
    switch (e.type) {
      case 'agent.status':
        setAgent((a) => a && { ...a, status: e.to as AgentState['status'], ...(e.customStatus ? { customStatus: e.customStatus } : { customStatus: undefined }), since: e.at });
        return;
      case 'contact.offered':
        ended.current.delete(e.contactId);
        setOffers((m) => new Map(m).set(e.contactId, {
          contactId: e.contactId, from: '', to: '', phase: 'ringing', queueId: e.queueId, agentId: e.agentId, ringUntil: epoch(e.ringUntil), offeredAt: epoch(e.at),
          initiatedAt: new Date(e.at).toISOString(),
          ...(e.customerNumber !== undefined ? { customerNumber: e.customerNumber } : {}),
          ...(e.customerName !== undefined ? { customerName: e.customerName } : {}),
          ...(e.project !== undefined ? { project: e.project } : {}),
        }));
        void desk.reload(); // the caller's number and the time waited come with the desk
        return;
      case 'contact.offerWithdrawn':
        ended.current.add(e.contactId);
        setOffers((m) => withoutKey(m, e.contactId));
        return;
      case 'contact.connected':
        ended.current.add(e.contactId);
        setOffers((m) => withoutKey(m, e.contactId));
        void desk.reload();
        return;
      case 'contact.disconnected':
        ended.current.add(e.contactId).add(`${e.contactId}:call`);
        setOffers((m) => withoutKey(m, e.contactId));
        setActive((c) => (c?.contactId === e.contactId ? undefined : c));
        void today.reload();
        return;
      case 'contact.acwFinished':
        void today.reload();
        return;
    }
  }, () => {
    void desk.reload();
    void today.reload();
  });

  const ringing = offers.size > 0;
  useEffect(() => {
    if (ringing) startRing();
    else stopRing();
  }, [ringing]);
  useEffect(() => () => stopRing(), []);

  const act = async (method: string, path: string, body?: unknown) => {
    unlockAudio();
    setError(undefined);
    try {
      const r = await api<{ agent: AgentState }>(method, path, body);
      setAgent(r.agent);
    } catch (err) {
      setError(err);
      void desk.reload();
    }
  };

  // With the browser phone the buttons act on the SIP call (the line then accepts, declines or
  // ends the contact); with the desk phone, or before the INVITE has come, through the API.
  const phone = useStore(phoneStore);
  const mode = useStore(phoneMode);
  const phoneStatus = usePhoneStatus();
  const browserPhone = mode === 'browser' && phone !== undefined && phoneStatus !== undefined
    && phoneStatus.state !== 'error' && phoneStatus.state !== 'unregistered' ? phone : undefined;
  const answer = async (contactId: string) => {
    unlockAudio();
    if (browserPhone && await ringingFor(browserPhone, contactId, 4000)) {
      await browserPhone.answer();
      return;
    }
    await act('POST', `/api/agent/contacts/${encodeURIComponent(contactId)}/accept`);
  };
  const decline = async (contactId: string) => {
    if (browserPhone?.decline && isRingingFor(browserPhone.status(), contactId)) {
      await browserPhone.decline();
      return;
    }
    await act('POST', `/api/agent/contacts/${encodeURIComponent(contactId)}/decline`);
  };
  const hangUp = async (contactId: string) => {
    if (browserPhone && browserPhone.status().state === 'in-call') {
      await browserPhone.hangup();
      return;
    }
    await act('POST', `/api/agent/contacts/${encodeURIComponent(contactId)}/hangup`);
  };
  // After a reload mid-call the line calls this browser again for the contact in progress
  // (X-Chokutsu-Reattach): answered at once, the audio comes back.
  useEffect(() => {
    const incoming = phoneStatus?.incoming;
    if (phone && phoneStatus?.state === 'ringing' && incoming?.reattach && (active === undefined || incoming.contactId === active.contactId)) void phone.answer();
  }, [phone, phoneStatus, active]);

  if (!agentId) return <p>{t('notAnAgent')}</p>;
  const acwSeconds = s?.instance.agents.find((a) => a.id === agentId)?.afterContactWorkSeconds ?? 0;
  return (
    <div class="page agent-desktop">
      <h1>{t('navDesktop')}</h1>
      <ErrorBox error={desk.error ?? error} />
      {agent && <StatusBar agent={agent} onSet={(status) => void act('PUT', '/api/agent/status', { status })} />}
      {[...offers.values()].map((o) => (
        <OfferCard key={o.contactId} offer={o}
          phoneRinging={isRingingFor(phoneStatus, o.contactId)}
          onAnswer={() => void answer(o.contactId)}
          onDecline={() => void decline(o.contactId)} />
      ))}
      {active && <ActiveContact contact={active} reattaching={mode === 'browser' && phoneStatus?.state !== 'in-call'} onHangUp={() => void hangUp(active.contactId)} />}
      {agent?.status === 'AfterContactWork' && (
        <AfterContactWork contact={lastContact} since={epoch(agent.since)} seconds={acwSeconds}
          onFinish={(notes) => void act('POST', '/api/agent/acw/finish', { notes })} />
      )}
      {!ringing && !active && agent?.status === 'Available' && <p class="note idle">{t('waitingForContacts')}</p>}
      {!ringing && !active && agent && agent.status !== 'Available' && agent.status !== 'AfterContactWork' && <p class="note idle">{t('notRoutable')}</p>}
      <Softphone {...(active ? { contactId: active.contactId } : {})} />
      <TodaysContacts records={today.data?.records} error={today.error} />
    </div>
  );
}

function isRingingFor(status: PhoneStatus | undefined, contactId: string): boolean {
  return status?.state === 'ringing' && (status.incoming?.contactId === undefined || status.incoming.contactId === contactId);
}

/** Whether the browser phone rings for the contact, waiting up to `ms` for the line's INVITE. */
function ringingFor(phone: Phone, contactId: string, ms: number): Promise<boolean> {
  if (isRingingFor(phone.status(), contactId)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(false);
    }, ms);
    const off = phone.onStatus((s) => {
      if (!isRingingFor(s, contactId)) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}

function withoutKey<K, V>(m: Map<K, V>, k: K): Map<K, V> {
  if (!m.has(k)) return m;
  const next = new Map(m);
  next.delete(k);
  return next;
}

function StatusBar({ agent, onSet }: { agent: AgentState; onSet: (status: string) => void }) {
  const { t, tv } = useT();
  const s = useStore(session);
  const now = useNow();
  const current = agent.customStatus ?? agent.status;
  return (
    <div class="panel status-bar" aria-label={t('myStatus')}>
      <span class={`status-badge status-${agent.status}`} data-status={current}>{tv('status', current)}</span>
      <span class="since">{t('inStateFor', { d: duration((now - epoch(agent.since)) / 1000) })}</span>
      <span class="spacer" />
      <div class="row" role="group" aria-label={t('myStatus')}>
        {(s?.instance.statuses ?? ['Available', 'Offline']).map((st) => (
          <button type="button" key={st} aria-pressed={current === st} data-set-status={st} onClick={() => onSet(st)}>{tv('status', st)}</button>
        ))}
      </div>
    </div>
  );
}

function queueName(queueId: string | undefined): string {
  return session.get()?.instance.queues.find((q) => q.id === queueId)?.name ?? queueId ?? '';
}

function OfferCard({ offer, phoneRinging, onAnswer, onDecline }: { offer: Offer; phoneRinging: boolean; onAnswer: () => void; onDecline: () => void }) {
  const { t } = useT();
  const now = useNow(500);
  const waitedFrom = offer.enqueuedAt ?? offer.initiatedAt;
  return (
    <section class="panel offer" role="alertdialog" aria-label={t('incoming')} data-testid="offer" data-contact-id={offer.contactId} data-phone-ringing={phoneRinging ? 'yes' : 'no'}>
      <h2>{t('incoming')}</h2>
      <dl class="facts">
        <dt>{t('customerNumber')}</dt><dd data-field="customerNumber">{offer.customerNumber ?? '—'}</dd>
        <dt>{t('customerName')}</dt><dd data-field="customerName" class="big">{offer.customerName ?? '—'}</dd>
        <dt>{t('project')}</dt><dd data-field="project">{offer.project ?? queueName(offer.queueId)}</dd>
        <dt>{t('queue')}</dt><dd data-field="queue">{queueName(offer.queueId)}</dd>
        <dt>{t('callerNumber')}</dt><dd data-field="caller">{offer.from || '…'}</dd>
        <dt>{t('waited')}</dt><dd data-field="waited">{duration((now - Date.parse(waitedFrom)) / 1000)}</dd>
      </dl>
      {offer.ringUntil !== undefined && <p class="note">{t('ringsFor', { s: ringsFor(offer.ringUntil, offer.offeredAt, now) })}</p>}
      <div class="row">
        <button type="button" class="primary answer" onClick={onAnswer}>{t('answer')}</button>
        <button type="button" class="danger" onClick={onDecline}>{t('decline')}</button>
      </div>
    </section>
  );
}

/** Whole seconds left to ring, never more than the ring itself: the line's clock is known here to within a round trip. */
function ringsFor(ringUntil: number, offeredAt: number | undefined, now: number): number {
  const left = ringUntil - now;
  return Math.max(0, Math.ceil((offeredAt === undefined ? left : Math.min(left, ringUntil - offeredAt)) / 1000));
}

function ActiveContact({ contact, reattaching, onHangUp }: { contact: LiveContact; reattaching: boolean; onHangUp: () => void }) {
  const { t } = useT();
  return (
    <section class="panel active-contact" aria-label={t('onContact')} data-testid="active-contact" data-contact-id={contact.contactId}>
      <h2>{t('onContact')}</h2>
      <dl class="facts">
        <dt>{t('customerNumber')}</dt><dd>{contact.customerNumber ?? '—'}</dd>
        <dt>{t('customerName')}</dt><dd class="big">{contact.customerName ?? '—'}</dd>
        <dt>{t('project')}</dt><dd>{contact.project ?? queueName(contact.queueId)}</dd>
        <dt>{t('callerNumber')}</dt><dd>{contact.from}</dd>
      </dl>
      {reattaching && <p class="note" data-testid="reattaching">{t('reattaching')}</p>}
      <button type="button" class="danger" onClick={onHangUp}>{t('hangUp')}</button>
    </section>
  );
}

function AfterContactWork({ contact, since, seconds, onFinish }: { contact: LiveContact | undefined; since: number; seconds: number; onFinish: (notes: string) => void }) {
  const { t } = useT();
  const now = useNow(250);
  const [notes, setNotes] = useState('');
  // Clamped: the line's clock is known here to within a round trip.
  const left = seconds > 0 ? Math.min(seconds, Math.max(0, since + seconds * 1000 - now) / 1000) : undefined;
  return (
    <section class="panel acw" aria-label={t('acw')} data-testid="acw">
      <h2>{t('acw')}</h2>
      {contact && <p>{contact.customerNumber} {contact.customerName}</p>}
      <p class="countdown" data-testid="acw-countdown">{left === undefined ? t('acwNoTimeout') : t('acwEndsIn', { d: duration(Math.ceil(left)) })}</p>
      {left !== undefined && <progress max={seconds} value={left} />}
      <label>{t('acwNotes')}<textarea name="notes" rows={4} maxLength={4000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} /></label>
      <button type="button" class="primary" onClick={() => onFinish(notes)}>{t('finishAcw')}</button>
    </section>
  );
}

function TodaysContacts({ records, error }: { records: ContactRecord[] | undefined; error: unknown }) {
  const { t, tv } = useT();
  const rows = useMemo(() => records ?? [], [records]);
  return (
    <Section title={t('todaysContacts')} class="todays">
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>{t('initiated')}</th><th>{t('customerNumber')}</th><th>{t('customerName')}</th><th>{t('queue')}</th><th>{t('talkDuration')}</th><th>{t('reason')}</th><th>{t('notes')}</th></tr></thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={7}>{t('noRows')}</td></tr>}
          {rows.map((r) => (
            <tr key={r.contactId}>
              <td><Link href={`/contacts/${encodeURIComponent(r.contactId)}`}>{time(r.initiationTimestamp)}</Link></td>
              <td>{r.customerNumber ?? ''}</td>
              <td>{r.customerName ?? ''}</td>
              <td>{r.queue?.name ?? ''}</td>
              <td>{duration(r.talkDuration)}</td>
              <td>{tv('reason', r.disconnectReason)}</td>
              <td class="notes">{r.notes ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">{dateTime(serverNow())}</p>
    </Section>
  );
}
