/**
 * The words of quiz mode (vote page, kiosk, teacher's page), French first. Kept
 * apart from i18n.ts so the quiz modules carry their own words.
 */
import type { Lang } from './i18n.js';

const fr = {
  'quiz.title': 'Quiz',
  'quiz.nickname': 'Votre pseudo',
  'quiz.choose': 'Choisir',
  'quiz.change': 'Changer',
  'quiz.hint': 'Choisissez un pseudo pour apparaître au classement.',
  'quiz.as': 'Vous jouez sous le nom « {name} ».',
  'quiz.score': 'Votre score : {score} pt · {rank}',
  'quiz.rank': '{rank}ᵉ sur {of}',
  'quiz.rank1': '1ᵉʳ sur {of}',
  'quiz.unranked': 'pas encore classé',
  'quiz.scored': '{scored} question(s) comptée(s) sur {questions}',
  'quiz.taken': 'Ce pseudo est déjà pris : choisissez-en un autre.',
  'quiz.invalid': 'Un pseudo fait 2 à 20 caractères.',
  'quiz.network': 'Le serveur ne répond pas, réessayez.',
  'quiz.board': 'Classement',
  'quiz.board.final': 'Classement final',
  'quiz.points': '{score} pt',
  'quiz.team': 'équipe',
  'quiz.empty': 'Personne n’a encore de pseudo.',
};

type QuizKey = keyof typeof fr;

const en: Record<QuizKey, string> = {
  'quiz.title': 'Quiz',
  'quiz.nickname': 'Your nickname',
  'quiz.choose': 'Choose',
  'quiz.change': 'Change',
  'quiz.hint': 'Choose a nickname to appear on the leaderboard.',
  'quiz.as': 'You play as “{name}”.',
  'quiz.score': 'Your score: {score} pt · {rank}',
  'quiz.rank': '#{rank} of {of}',
  'quiz.rank1': '#1 of {of}',
  'quiz.unranked': 'not ranked yet',
  'quiz.scored': '{scored} of {questions} question(s) scored',
  'quiz.taken': 'This nickname is taken: choose another one.',
  'quiz.invalid': 'A nickname is 2 to 20 characters.',
  'quiz.network': 'The server does not answer, try again.',
  'quiz.board': 'Leaderboard',
  'quiz.board.final': 'Final leaderboard',
  'quiz.points': '{score} pt',
  'quiz.team': 'team',
  'quiz.empty': 'Nobody has a nickname yet.',
};

export type QuizWords = (key: QuizKey, params?: Record<string, string | number>) => string;

export function quizWords(lang: Lang): QuizWords {
  const table = lang === 'en' ? en : fr;
  return (key, params = {}) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
