/**
 * The words of the teacher's page beyond sign-in (which is in i18n.ts), French
 * first. Kept apart so i18n.ts, loaded by every page, does not carry them.
 */
import type { Lang } from './i18n.js';

const fr = {
  'lessons.title': 'Leçons',
  'lessons.none': 'Aucune leçon : créez-en une ou importez un fichier.',
  'lessons.new': 'Nouvelle leçon',
  'lessons.import': 'Importer une leçon (fichier JSON ou CSV)',
  'lessons.imported': 'Leçon « {title} » importée ({questions}).',
  'lessons.import-error': 'Fichier refusé : {detail}',
  'lessons.questions.one': '{n} question',
  'lessons.questions.other': '{n} questions',
  'lessons.run': 'Lancer',
  'lessons.running': 'En cours',
  'lessons.edit': 'Modifier',
  'lessons.export-json': 'Exporter (JSON)',
  'lessons.export-csv': 'Exporter (CSV)',

  'editor.title-new': 'Nouvelle leçon',
  'editor.title-edit': 'Modifier la leçon',
  'editor.lesson-title': 'Titre de la leçon',
  'editor.question': 'Question {n}',
  'editor.text': 'Texte de la question',
  'editor.options': 'Réponses, une par ligne (« B=Lyon » pour choisir l’identifiant)',
  'editor.correct': 'Bonne réponse (identifiant ou texte, vide si aucune)',
  'editor.policy': 'Comptage',
  'editor.policy.one-per-voter': 'Un vote par personne',
  'editor.policy.last-wins': 'Le dernier vote compte',
  'editor.policy.every-press': 'Chaque appui compte',
  'editor.seconds': 'Compte à rebours en secondes (vide : aucun)',
  'editor.add': 'Ajouter une question',
  'editor.remove': 'Retirer la question {n}',
  'editor.save': 'Enregistrer',
  'editor.cancel': 'Annuler',
  'editor.saved': 'Leçon « {title} » enregistrée.',
  'editor.error': 'Non enregistrée : {detail}',

  'run.title': 'Leçon en cours',
  'run.none': 'Choisissez une leçon et « Lancer ».',
  'run.not-started': 'Pas encore commencée : « Suivant » ouvre la question 1.',
  'run.position': 'Question {n} sur {of}',
  'run.previous': 'Précédente',
  'run.next': 'Suivante',
  'run.open': 'Ouvrir',
  'run.close': 'Fermer',
  'run.hide': 'Masquer les résultats',
  'run.show': 'Afficher les résultats',
  'run.seconds': 'Secondes',
  'run.countdown': 'Lancer le compte à rebours',
  'run.left': 'Temps restant : {time}',
  'run.hidden': 'Résultats masqués : {votes}',
  'run.done': 'C’était la dernière question.',
  'run.first': 'C’est la première question.',

  'history.title': 'Historique et export',
  'history.none': 'Rien à montrer pour l’instant.',
  'history.results-csv': 'Résultats (CSV)',
  'history.results-json': 'Résultats (JSON)',
  'history.question': 'Question',
  'history.state': 'État',
  'history.results': 'Résultats',
  'history.export': 'Export',
  'history.csv': 'CSV',
  'history.json': 'JSON',
  'history.other': 'Votes hors leçon',
  'history.never': 'Jamais ouverte',
};

export type ProfKey = keyof typeof fr;

const en: Record<ProfKey, string> = {
  'lessons.title': 'Lessons',
  'lessons.none': 'No lessons: make one or import a file.',
  'lessons.new': 'New lesson',
  'lessons.import': 'Import a lesson (JSON or CSV file)',
  'lessons.imported': 'Lesson “{title}” imported ({questions}).',
  'lessons.import-error': 'File refused: {detail}',
  'lessons.questions.one': '{n} question',
  'lessons.questions.other': '{n} questions',
  'lessons.run': 'Run',
  'lessons.running': 'Running',
  'lessons.edit': 'Edit',
  'lessons.export-json': 'Export (JSON)',
  'lessons.export-csv': 'Export (CSV)',

  'editor.title-new': 'New lesson',
  'editor.title-edit': 'Edit the lesson',
  'editor.lesson-title': 'Lesson title',
  'editor.question': 'Question {n}',
  'editor.text': 'Question text',
  'editor.options': 'Answers, one per line (“B=Lyon” to choose the id)',
  'editor.correct': 'Correct answer (id or text, empty for none)',
  'editor.policy': 'Counting',
  'editor.policy.one-per-voter': 'One vote per person',
  'editor.policy.last-wins': 'The last vote counts',
  'editor.policy.every-press': 'Every press counts',
  'editor.seconds': 'Countdown in seconds (empty: none)',
  'editor.add': 'Add a question',
  'editor.remove': 'Remove question {n}',
  'editor.save': 'Save',
  'editor.cancel': 'Cancel',
  'editor.saved': 'Lesson “{title}” saved.',
  'editor.error': 'Not saved: {detail}',

  'run.title': 'Running lesson',
  'run.none': 'Choose a lesson and “Run”.',
  'run.not-started': 'Not started yet: “Next” opens question 1.',
  'run.position': 'Question {n} of {of}',
  'run.previous': 'Previous',
  'run.next': 'Next',
  'run.open': 'Open',
  'run.close': 'Close',
  'run.hide': 'Hide the results',
  'run.show': 'Show the results',
  'run.seconds': 'Seconds',
  'run.countdown': 'Start the countdown',
  'run.left': 'Time left: {time}',
  'run.hidden': 'Results hidden: {votes}',
  'run.done': 'That was the last question.',
  'run.first': 'This is the first question.',

  'history.title': 'History and export',
  'history.none': 'Nothing to show yet.',
  'history.results-csv': 'Results (CSV)',
  'history.results-json': 'Results (JSON)',
  'history.question': 'Question',
  'history.state': 'State',
  'history.results': 'Results',
  'history.export': 'Export',
  'history.csv': 'CSV',
  'history.json': 'JSON',
  'history.other': 'Polls outside lessons',
  'history.never': 'Never opened',
};

export type ProfText = (key: ProfKey, params?: Record<string, string | number>) => string;

export function profText(lang: Lang): ProfText {
  const table = lang === 'en' ? en : fr;
  return (key, params = {}) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** "1 question", "3 questions" by the language's plural rules. */
export function questionCount(t: ProfText, lang: Lang, n: number): string {
  return t(new Intl.PluralRules(lang).select(n) === 'one' ? 'lessons.questions.one' : 'lessons.questions.other', { n });
}
