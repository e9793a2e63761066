/**
 * The pages' words, French first. `?lang=en` (or `fr`) wins; otherwise the first
 * of the browser's languages that is French or English; otherwise French.
 */
import type { RejectReason } from '../../shared/codecs/rejection.js';

const fr = {
  'conn.connecting': 'Connexion…',
  'conn.connected': 'Connecté',
  'conn.reconnecting': 'Reconnexion…',
  'conn.no-config': 'Serveur injoignable, nouvel essai…',
  'nav.kiosk': 'Résultats',
  'nav.vote': 'Voter',
  'nav.pain': 'Le pain',
  'nav.chat': 'Chat',

  'title.kiosk': 'Résultats du vote',
  'title.vote': 'Voter',
  'title.pain': 'Le pain',
  'title.chat': 'Chat de la classe',

  'poll.open': 'Vote ouvert',
  'poll.closed': 'Vote fermé',
  'kiosk.waiting': 'En attente d’un vote…',
  'kiosk.total': 'Total :',
  'kiosk.votes.one': '{n} vote',
  'kiosk.votes.other': '{n} votes',
  'kiosk.rejected.one': '{n} refusé',
  'kiosk.rejected.other': '{n} refusés',
  'kiosk.scan': 'Votez avec votre téléphone',
  'kiosk.hidden': 'Résultats masqués jusqu’à leur affichage',
  'kiosk.correct': 'Bonne réponse : {option}',
  'reveal.correct': 'Bonne réponse',
  'vote.right': 'Bonne réponse : vous avez voté {option}',
  'vote.wrong': 'Mauvaise réponse : vous avez voté {mine}, la bonne réponse était {option}',
  'vote.answer': 'La bonne réponse : {option}',
  'kiosk.loopback': 'Adresse locale : les téléphones ne pourront pas l’ouvrir. Ouvrez le kiosque avec l’adresse réseau de cette machine.',
  'kiosk.raw': 'Votes bruts sur {topic}, comptés par cette page depuis son ouverture',
  'kiosk.raw.question': 'Votes sur {topic}',

  'bread.title': 'Le pain',
  'bread.none': 'Pas encore de mesure',
  'bread.state.froid': 'Froid',
  'bread.state.cuisson': 'En cuisson',
  'bread.state.prêt': 'Prêt !',
  'bread.state.brûlé': 'Brûlé !',

  'vote.none': 'Aucun vote ouvert pour l’instant. Cette page se met à jour toute seule.',
  'vote.closed': 'Le vote est fermé.',
  'vote.countdown': 'Temps restant : {time}',
  'vote.offline': 'Connexion perdue, reconnexion en cours. Vous pouvez voter : le vote partira dès son retour.',
  'vote.policy.one-per-voter': 'Un seul vote par personne : le premier compte.',
  'vote.policy.last-wins': 'Vous pouvez changer d’avis : votre dernier vote compte.',
  'vote.policy.every-press': 'Chaque appui compte.',
  'vote.sending': 'Envoi de votre vote pour « {option} »…',
  'vote.queued': 'Pas de connexion : votre vote pour « {option} » partira dès son retour.',
  'vote.retrying': 'Pas encore de confirmation pour « {option} », nouvel envoi…',
  'vote.received': 'Vote reçu : {option}',
  'vote.duplicate': 'Vote reçu : {option} (déjà enregistré)',
  'vote.rejected': 'Vote refusé ({option}) : {reason}',
  'vote.pending.one': '{n} vote en attente de confirmation',
  'vote.pending.other': '{n} votes en attente de confirmation',

  'reason.too-large': 'le message est trop gros',
  'reason.not-utf8': 'le texte est illisible',
  'reason.empty': 'le message est vide',
  'reason.bad-json': 'le message est mal formé',
  'reason.bad-type': 'le message est mal formé',
  'reason.missing-field': 'le message est incomplet',
  'reason.bad-id': 'un identifiant est invalide',
  'reason.unknown-option': 'ce choix n’existe pas (ou plus)',
  'reason.unknown-poll': 'ce vote n’existe pas (ou plus)',
  'reason.poll-closed': 'le vote est fermé',
  'reason.already-voted': 'vous avez déjà voté',

  'pain.temperature': 'Température',
  'pain.chart': 'Température depuis le début de la cuisson',
  'pain.since': 'depuis {time}',

  'chat.name.label': 'Votre nom',
  'chat.name.join': 'Entrer',
  'chat.name.invalid': 'Nom invalide : 1 à 64 lettres, chiffres ou _ . : @ -, sans espace.',
  'chat.as': 'Vous êtes {name}',
  'chat.change': 'Changer de nom',
  'chat.message.label': 'Message',
  'chat.send': 'Envoyer',
  'chat.empty': 'Pas encore de message. Essayez aussi : mosquitto_pub -t {topic} -m "Bonjour"',
  'chat.too-long': 'Message trop long (1 Kio au plus).',
  'chat.offline': 'Pas de connexion : message non envoyé, réessayez au retour de la connexion.',
  'chat.unreadable': '(message illisible)',
  'title.prof': 'Page du prof',
};

export type StringKey = keyof typeof fr;

const en: Record<StringKey, string> = {
  'conn.connecting': 'Connecting…',
  'conn.connected': 'Connected',
  'conn.reconnecting': 'Reconnecting…',
  'conn.no-config': 'Server unreachable, retrying…',
  'nav.kiosk': 'Results',
  'nav.vote': 'Vote',
  'nav.pain': 'Bread',
  'nav.chat': 'Chat',

  'title.kiosk': 'Poll results',
  'title.vote': 'Vote',
  'title.pain': 'The bread',
  'title.chat': 'Class chat',

  'poll.open': 'Poll open',
  'poll.closed': 'Poll closed',
  'kiosk.waiting': 'Waiting for a poll…',
  'kiosk.total': 'Total:',
  'kiosk.votes.one': '{n} vote',
  'kiosk.votes.other': '{n} votes',
  'kiosk.rejected.one': '{n} rejected',
  'kiosk.rejected.other': '{n} rejected',
  'kiosk.hidden': 'Results hidden until the teacher shows them',
  'kiosk.correct': 'Correct answer: {option}',
  'reveal.correct': 'Correct answer',
  'vote.right': 'Right answer: you voted {option}',
  'vote.wrong': 'Wrong answer: you voted {mine}, the correct answer was {option}',
  'vote.answer': 'The correct answer: {option}',
  'kiosk.scan': 'Vote with your phone',
  'kiosk.loopback': 'Local address: phones cannot open it. Open the kiosk with this machine’s network address.',
  'kiosk.raw': 'Raw votes on {topic}, counted by this page since it opened',
  'kiosk.raw.question': 'Votes on {topic}',

  'bread.title': 'The bread',
  'bread.none': 'No reading yet',
  'bread.state.froid': 'Cold',
  'bread.state.cuisson': 'Baking',
  'bread.state.prêt': 'Ready!',
  'bread.state.brûlé': 'Burnt!',

  'vote.none': 'No poll is open right now. This page updates by itself.',
  'vote.countdown': 'Time left: {time}',
  'vote.closed': 'This poll is closed.',
  'vote.offline': 'Connection lost, reconnecting. You can still vote: it will be sent as soon as it is back.',
  'vote.policy.one-per-voter': 'One vote per person: the first one counts.',
  'vote.policy.last-wins': 'You may change your mind: your last vote counts.',
  'vote.policy.every-press': 'Every tap counts.',
  'vote.sending': 'Sending your vote for “{option}”…',
  'vote.queued': 'No connection: your vote for “{option}” will be sent as soon as it is back.',
  'vote.retrying': 'No confirmation yet for “{option}”, sending again…',
  'vote.received': 'Vote received: {option}',
  'vote.duplicate': 'Vote received: {option} (already recorded)',
  'vote.rejected': 'Vote refused ({option}): {reason}',
  'vote.pending.one': '{n} vote waiting for confirmation',
  'vote.pending.other': '{n} votes waiting for confirmation',

  'reason.too-large': 'the message is too large',
  'reason.not-utf8': 'the text is unreadable',
  'reason.empty': 'the message is empty',
  'reason.bad-json': 'the message is malformed',
  'reason.bad-type': 'the message is malformed',
  'reason.missing-field': 'the message is incomplete',
  'reason.bad-id': 'an id is invalid',
  'reason.unknown-option': 'this choice does not exist (any more)',
  'reason.unknown-poll': 'this poll does not exist (any more)',
  'reason.poll-closed': 'the poll is closed',
  'reason.already-voted': 'you have already voted',

  'pain.temperature': 'Temperature',
  'pain.chart': 'Temperature since the bake started',
  'pain.since': 'since {time}',

  'chat.name.label': 'Your name',
  'chat.name.join': 'Join',
  'chat.name.invalid': 'Invalid name: 1 to 64 letters, digits or _ . : @ -, no spaces.',
  'chat.as': 'You are {name}',
  'chat.change': 'Change name',
  'chat.message.label': 'Message',
  'chat.send': 'Send',
  'chat.empty': 'No message yet. Try also: mosquitto_pub -t {topic} -m "Hello"',
  'chat.too-long': 'Message too long (1 KiB at most).',
  'chat.offline': 'Not connected: message not sent, try again when the connection is back.',
  'chat.unreadable': '(unreadable message)',
  'title.prof': 'Teacher’s page',
};

export const STRINGS = { fr, en } as const;
export type Lang = keyof typeof STRINGS;

/** `?lang=` first, then the browser's languages, then French. */
export function pickLang(search: string, languages: readonly string[]): Lang {
  const asked = new URLSearchParams(search).get('lang')?.toLowerCase();
  if (asked === 'fr' || asked === 'en') return asked;
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'fr';
}

export interface Translator {
  readonly lang: Lang;
  t(key: StringKey, params?: Record<string, string | number>): string;
  /** `<base>.one` or `<base>.other` by the language's plural rules, with `{n}`. */
  count(base: 'kiosk.votes' | 'kiosk.rejected' | 'vote.pending', n: number): string;
  number(n: number, digits?: number): string;
  /** 0.4 -> "40 %" in French, "40%" in English. */
  percent(fraction: number): string;
  reason(reason: RejectReason): string;
}

export function translator(lang: Lang): Translator {
  const table = STRINGS[lang];
  const plurals = new Intl.PluralRules(lang);
  const t = (key: StringKey, params: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  return {
    lang,
    t,
    count: (base, n) => t(`${base}.${plurals.select(n) === 'one' ? 'one' : 'other'}`, { n: n.toLocaleString(lang) }),
    number: (n, digits = 0) => n.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    percent: (fraction) => fraction.toLocaleString(lang, { style: 'percent', maximumFractionDigits: 0 }),
    reason: (reason) => t(`reason.${reason}`),
  };
}

/** The translator of this page, from its URL and the browser's languages. */
export function pageTranslator(): Translator {
  const tr = translator(pickLang(location.search, navigator.languages ?? [navigator.language]));
  document.documentElement.lang = tr.lang;
  return tr;
}
