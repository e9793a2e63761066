/**
 * The teacher's quiz controls in `/prof`: for each quiz lesson, show or hide the
 * kiosk's leaderboard, the per-student table (one row per nickname or team, one
 * column per question, right or wrong) and its CSV/JSON export. Mounted by one
 * call; it loads when the page says the teacher signed in.
 */
import '../styles/prof-quiz.css';
import { el, setText } from './dom.js';
import type { Lang } from './i18n.js';
import { ApiError, api } from './prof-api.js';
import { quizWords } from './quiz-words.js';

/** The teacher's words, apart from the phones' (they stay out of the vote page's bundle). */
const PROF_FR = {
  'prof.quiz.title': 'Quiz',
  'prof.quiz.none': 'Aucun quiz : importez une leçon avec « quiz »: true.',
  'prof.quiz.show': 'Afficher le classement',
  'prof.quiz.hide': 'Masquer le classement',
  'prof.quiz.csv': 'Exporter les scores (CSV)',
  'prof.quiz.json': 'Exporter les scores (JSON)',
  'prof.quiz.refresh': 'Actualiser',
  'prof.quiz.name': 'Nom',
  'prof.quiz.score': 'Score',
  'prof.quiz.right': 'juste',
  'prof.quiz.wrong': 'faux',
};
const PROF_EN: Record<keyof typeof PROF_FR, string> = {
  'prof.quiz.title': 'Quiz',
  'prof.quiz.none': 'No quiz: import a lesson with "quiz": true.',
  'prof.quiz.show': 'Show the leaderboard',
  'prof.quiz.hide': 'Hide the leaderboard',
  'prof.quiz.csv': 'Export the scores (CSV)',
  'prof.quiz.json': 'Export the scores (JSON)',
  'prof.quiz.refresh': 'Refresh',
  'prof.quiz.name': 'Name',
  'prof.quiz.score': 'Score',
  'prof.quiz.right': 'right',
  'prof.quiz.wrong': 'wrong',
};

interface LessonItem {
  readonly id: string;
  readonly title: string;
  readonly quiz?: boolean;
}

interface QuizTable {
  readonly lesson: string;
  readonly questions: readonly { position: number; question: string; correct: string | null }[];
  readonly rows: readonly { name: string; kind: string; score: number; rank: number | null; answers: readonly ({ option: string; correct: boolean | null } | null)[] }[];
}

export function mountProfQuiz(parent: HTMLElement, lang: Lang): void {
  const quiz = quizWords(lang);
  const words = lang === 'en' ? PROF_EN : PROF_FR;
  const w = (key: keyof typeof PROF_FR | 'quiz.network' | 'quiz.team'): string => (key.startsWith('prof.') ? words[key as keyof typeof PROF_FR] : quiz(key as 'quiz.network' | 'quiz.team'));
  const list = el('div', { class: 'quizzes' });
  const status = el('p', { class: 'error', attrs: { role: 'alert' } });
  const refresh = el('button', { class: 'link-button', text: w('prof.quiz.refresh'), attrs: { type: 'button' } });
  const section = el('section', { class: 'prof-quiz', attrs: { 'aria-labelledby': 'prof-quiz-title' } }, [
    el('h2', { text: w('prof.quiz.title'), attrs: { id: 'prof-quiz-title' } }),
    refresh,
    status,
    list,
  ]);
  parent.append(section);

  const load = async (): Promise<void> => {
    try {
      const { lessons } = await api<{ lessons: LessonItem[] }>('GET', '/api/lessons');
      const quizzes = lessons.filter((l) => l.quiz === true);
      const tables = await Promise.all(quizzes.map((l) => api<QuizTable>('GET', `/api/quiz/${encodeURIComponent(l.id)}`)));
      setText(status, '');
      list.replaceChildren(...(quizzes.length === 0 ? [el('p', { class: 'hint', text: w('prof.quiz.none') })] : quizzes.map((l, i) => quizCard(l, tables[i] as QuizTable))));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) setText(status, w('quiz.network'));
    }
  };

  const quizCard = (lesson: LessonItem, table: QuizTable): HTMLElement => {
    const base = `/api/quiz/${encodeURIComponent(lesson.id)}`;
    const button = (key: 'prof.quiz.show' | 'prof.quiz.hide', shown: boolean) => {
      const b = el('button', { class: 'button', text: w(key), attrs: { type: 'button' } });
      b.addEventListener('click', () => {
        void api('POST', `${base}/leaderboard${shown ? '' : '?shown=false'}`).then(load, () => setText(status, w('quiz.network')));
      });
      return b;
    };
    const head = el('tr', {}, [
      el('th', { text: '#', attrs: { scope: 'col' } }),
      el('th', { text: w('prof.quiz.name'), attrs: { scope: 'col' } }),
      el('th', { text: w('prof.quiz.score'), attrs: { scope: 'col' } }),
      ...table.questions.map((q) => el('th', { text: `Q${q.position}`, attrs: { scope: 'col', title: q.question } })),
    ]);
    const rows = table.rows.map((r) =>
      el('tr', {}, [
        el('td', { text: r.rank === null ? '' : String(r.rank) }),
        el('th', { text: r.kind === 'team' ? `${r.name} (${w('quiz.team')})` : r.name, attrs: { scope: 'row' } }),
        el('td', { text: String(r.score) }),
        ...r.answers.map((a) =>
          el('td', {
            class: a === null || a.correct === null ? '' : a.correct ? 'right' : 'wrong',
            text: a === null ? '' : a.correct === null ? a.option : `${a.option} · ${w(a.correct ? 'prof.quiz.right' : 'prof.quiz.wrong')}`,
          }),
        ),
      ]),
    );
    return el('article', { class: 'quiz-card', attrs: { 'data-lesson': lesson.id } }, [
      el('h3', { text: lesson.title }),
      el('div', { class: 'row' }, [
        button('prof.quiz.show', true),
        button('prof.quiz.hide', false),
        el('a', { class: 'link-button', text: w('prof.quiz.csv'), attrs: { href: `${base}/export.csv`, download: `${lesson.id}-scores.csv` } }),
        el('a', { class: 'link-button', text: w('prof.quiz.json'), attrs: { href: `${base}/export.json`, download: `${lesson.id}-scores.json` } }),
      ]),
      el('div', { class: 'table-wrap' }, [el('table', { class: 'quiz-table' }, [el('thead', {}, [head]), el('tbody', {}, rows)])]),
    ]);
  };

  refresh.addEventListener('click', () => void load());
  // The page says it is signed in on <body data-signed-in>: load then, each time.
  const signedIn = () => document.body.dataset['signedIn'] === 'true';
  new MutationObserver(() => {
    if (signedIn()) void load();
  }).observe(document.body, { attributes: true, attributeFilter: ['data-signed-in'] });
  if (signedIn()) void load();
}
