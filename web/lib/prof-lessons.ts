/**
 * The lessons on the teacher's page: the list (run, edit, export the lesson
 * file), "new lesson", and importing a JSON or CSV file (read here with the same
 * reader as the CLI, shared/lesson.ts, then sent as JSON).
 */
import { lessonFromCsv } from '../../shared/lesson.js';
import { el } from './dom.js';
import type { Translator } from './i18n.js';
import { ApiError, api } from './prof-api.js';
import type { LessonView, ProfSnapshot } from './prof-data.js';
import { downloadLink, renderKeyed } from './prof-dom.js';
import { type ProfText, questionCount } from './prof-i18n.js';

export interface LessonsDeps {
  readonly tr: Translator;
  readonly t: ProfText;
  readonly onRun: (lessonId: string) => void;
  readonly onEdit: (lesson: LessonView | null) => void;
  /** After an import: refresh, and say so (or why not) where everyone hears it. */
  readonly report: (message: string, failed: boolean) => void;
  readonly refresh: () => Promise<void>;
  readonly selected: () => string | null;
}

export interface LessonsPanel {
  readonly element: HTMLElement;
  render(snapshot: ProfSnapshot): void;
}

export function createLessonsPanel(deps: LessonsDeps): LessonsPanel {
  const { t } = deps;
  const list = el('ul', { class: 'lessons', attrs: { 'aria-labelledby': 'prof-lessons-title' } });
  const none = el('p', { class: 'hint', text: t('lessons.none') });
  const newButton = el('button', { class: 'button', text: t('lessons.new'), attrs: { type: 'button', id: 'prof-lesson-new' } });
  const file = el('input', { attrs: { id: 'prof-lesson-file', type: 'file', accept: '.json,.csv,application/json,text/csv' } });
  newButton.addEventListener('click', () => deps.onEdit(null));
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen !== undefined) void importFile(chosen).finally(() => (file.value = ''));
  });
  const element = el('section', { class: 'panel', attrs: { id: 'prof-lessons', 'aria-labelledby': 'prof-lessons-title' } }, [
    el('h2', { text: t('lessons.title'), attrs: { id: 'prof-lessons-title' } }),
    none,
    list,
    el('div', { class: 'row lessons-tools' }, [
      newButton,
      el('div', { class: 'import' }, [el('label', { text: t('lessons.import'), attrs: { for: 'prof-lesson-file' } }), file]),
    ]),
  ]);

  async function importFile(chosen: File): Promise<void> {
    const text = await chosen.text();
    const title = chosen.name.replace(/\.[^.]*$/, '') || chosen.name;
    let body: unknown;
    if (/\.csv$/i.test(chosen.name) || !text.trimStart().startsWith('{')) {
      const parsed = lessonFromCsv(text, title);
      if (!parsed.ok) return deps.report(t('lessons.import-error', { detail: parsed.detail }), true);
      body = parsed.value;
    } else {
      try {
        body = JSON.parse(text);
      } catch {
        return deps.report(t('lessons.import-error', { detail: 'not JSON' }), true);
      }
    }
    try {
      const lesson = await api<LessonView>('POST', '/api/lessons', body);
      deps.report(t('lessons.imported', { title: lesson.title, questions: questionCount(t, deps.tr.lang, lesson.questions.length) }), false);
      await deps.refresh();
    } catch (error) {
      deps.report(t('lessons.import-error', { detail: error instanceof ApiError ? error.message : String(error) }), true);
    }
  }

  function render(snapshot: ProfSnapshot): void {
    const selected = deps.selected();
    none.hidden = snapshot.lessons.length > 0;
    const key = JSON.stringify([selected, deps.tr.lang, snapshot.lessons.map((l) => [l.id, l.title, l.questions.length])]);
    renderKeyed(list, key, () => snapshot.lessons.map((lesson) => item(lesson, lesson.id === selected)));
  }

  function item(lesson: LessonView, running: boolean): HTMLLIElement {
    const id = encodeURIComponent(lesson.id);
    const titleId = `prof-lesson-${lesson.id}`;
    const run = el('button', {
      class: 'button',
      text: t(running ? 'lessons.running' : 'lessons.run'),
      attrs: { type: 'button', 'aria-describedby': titleId, 'aria-pressed': String(running), 'data-focus': `run:${lesson.id}` },
    });
    run.addEventListener('click', () => deps.onRun(lesson.id));
    const edit = el('button', { class: 'button button--quiet', text: t('lessons.edit'), attrs: { type: 'button', 'aria-describedby': titleId, 'data-focus': `edit:${lesson.id}` } });
    edit.addEventListener('click', () => deps.onEdit(lesson));
    return el('li', { class: running ? 'lesson lesson--running' : 'lesson' }, [
      el('span', { class: 'lesson-title', text: lesson.title, attrs: { id: titleId } }),
      el('span', { class: 'lesson-count', text: questionCount(t, deps.tr.lang, lesson.questions.length) }),
      el('span', { class: 'row lesson-actions' }, [
        run,
        edit,
        downloadLink(t('lessons.export-json'), `/api/lessons/${id}/export.json`, `json:${lesson.id}`, `${t('lessons.export-json')} — ${lesson.title}`),
        downloadLink(t('lessons.export-csv'), `/api/lessons/${id}/export.csv`, `csv:${lesson.id}`, `${t('lessons.export-csv')} — ${lesson.title}`),
      ]),
    ]);
  }

  return { element, render };
}
