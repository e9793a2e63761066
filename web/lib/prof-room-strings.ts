/**
 * The words of the room panel on `/prof` (web/lib/prof-room.ts), French first;
 * kept here rather than in i18n.ts so the panel stays one module.
 */
import type { Lang } from './i18n.js';

const fr = {
  title: 'La salle',
  devices: 'Boîtiers',
  'devices.none': 'Aucun boîtier ne s’est encore annoncé.',
  'col.device': 'Boîtier',
  'col.state': 'État',
  'col.seen': 'Vu',
  'col.outbox': 'En attente',
  'col.inputs': 'Entrées',
  online: 'En ligne',
  offline: 'Hors ligne',
  unknown: 'Inconnu',
  never: '—',
  phones: 'Navigateurs connectés (téléphones, kiosque)',
  'phones.unknown': 'inconnu (le broker ne le dit pas)',
  broker: 'Broker',
  'broker.ok': 'connecté ({kind})',
  'broker.down': 'injoignable ({kind})',
  'broker.embedded': 'intégré',
  'broker.external': 'externe',
  hub: 'Hub',
  'hub.ok': 'enregistre les votes (v{version})',
  'hub.failing': 'N’ENREGISTRE PLUS les votes : voir son journal (v{version})',
  bread: 'Le pain',
  'bread.none': 'pas de mesure',
  'bake.new': 'Nouvelle cuisson',
  'bake.done': 'Nouvelle cuisson commencée : la courbe repart de zéro.',
  'bake.failed': 'La nouvelle cuisson n’a pas pu commencer, réessayez.',
  live: 'Mise à jour en direct',
  lost: 'Liaison perdue avec le hub, reconnexion…',
};

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  title: 'The room',
  devices: 'Boxes',
  'devices.none': 'No box has announced itself yet.',
  'col.device': 'Box',
  'col.state': 'State',
  'col.seen': 'Seen',
  'col.outbox': 'Waiting',
  'col.inputs': 'Inputs',
  online: 'Online',
  offline: 'Offline',
  unknown: 'Unknown',
  never: '—',
  phones: 'Browsers connected (phones, kiosk)',
  'phones.unknown': 'unknown (the broker does not say)',
  broker: 'Broker',
  'broker.ok': 'connected ({kind})',
  'broker.down': 'unreachable ({kind})',
  'broker.embedded': 'embedded',
  'broker.external': 'external',
  hub: 'Hub',
  'hub.ok': 'storing votes (v{version})',
  'hub.failing': 'NOT STORING votes: see its log (v{version})',
  bread: 'The bread',
  'bread.none': 'no reading',
  'bake.new': 'New bake',
  'bake.done': 'New bake started: the curve starts again.',
  'bake.failed': 'The new bake could not start, try again.',
  live: 'Live',
  lost: 'Lost the hub, reconnecting…',
};

export type RoomT = (key: Key, params?: Record<string, string | number>) => string;

export function roomStrings(lang: Lang): RoomT {
  const table = lang === 'en' ? en : fr;
  return (key, params = {}) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
