/**
 * Making and editing a lesson on the teacher's page: a title, then questions
 * with their answers (one per line, `id=label` to keep an id), correct answer,
 * counting policy and countdown. The hub checks it (shared/lesson.ts) and says
 * what to fix; a question already asked keeps its text and answers there.
 */
import { POLICIES, type Policy } from '../../shared/poll.js';
import { el, setText } from './dom.js';
import { ApiError, api } from './prof-api.js';
import type { LessonView } from './prof-data.js';
import type { ProfText } from './prof-i18n.js';

export interface EditorDeps {
  readonly t: ProfText;
  readonly onSaved: (lesson: LessonView) => void;
  readonly onClosed: () => void;
}

export interface Editor {
  readonly element: HTMLElement;
  open(lesson: LessonView | null): void;
}

interface QuestionFields {
  readonly fieldset: HTMLFieldSetElement;
  readonly text: HTMLInputElement;
  readonly options: HTMLTextAreaElement;
  readonly correct: HTMLInputElement;
  readonly policy: HTMLSelectElement;
  readonly seconds: HTMLInputElement;
}

interface QuestionValues {
  question: string;
  options: string;
  correct: string;
  policy: Policy;
  seconds: string;
}

export function createEditor(deps: EditorDeps): Editor {
  const { t } = deps;
  const heading = el('h2', { attrs: { id: 'prof-editor-title' } });
  const title = el('input', { attrs: { id: 'prof-editor-lesson-title', type: 'text', required: '', maxlength: '120' } });
  const list = el('div', { class: 'editor-questions' });
  const error = el('p', { class: 'error', attrs: { role: 'alert', id: 'prof-editor-error' } });
  const add = el('button', { class: 'button button--quiet', text: t('editor.add'), attrs: { type: 'button', id: 'prof-editor-add' } });
  const cancel = el('button', { class: 'button button--quiet', text: t('editor.cancel'), attrs: { type: 'button' } });
  const form = el('form', { class: 'editor', attrs: { 'aria-labelledby': 'prof-editor-title', novalidate: '' } }, [
    heading,
    el('label', { text: t('editor.lesson-title'), attrs: { for: 'prof-editor-lesson-title' } }),
    title,
    list,
    el('div', { class: 'row' }, [add]),
    error,
    el('div', { class: 'row' }, [el('button', { class: 'button', text: t('editor.save'), attrs: { type: 'submit', id: 'prof-editor-save' } }), cancel]),
  ]);
  const element = el('section', { class: 'panel', attrs: { id: 'prof-editor' } }, [form]);
  element.hidden = true;
  let editing: string | null = null;
  let fields: QuestionFields[] = [];
  let made = 0;

  add.addEventListener('click', () => {
    addQuestion({ question: '', options: '', correct: '', policy: 'one-per-voter', seconds: '' });
    fields[fields.length - 1]?.text.focus();
  });
  cancel.addEventListener('click', () => close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });

  function open(lesson: LessonView | null): void {
    editing = lesson?.id ?? null;
    setText(heading, t(lesson === null ? 'editor.title-new' : 'editor.title-edit'));
    setText(error, '');
    title.value = lesson?.title ?? '';
    fields = [];
    list.replaceChildren();
    const questions: QuestionValues[] = lesson?.questions.map((q) => ({
      question: q.question,
      options: q.options.map((o) => (o.id === o.label ? o.label : `${o.id}=${o.label}`)).join('\n'),
      correct: q.correct ?? '',
      policy: q.policy,
      seconds: q.seconds === null ? '' : String(q.seconds),
    })) ?? [{ question: '', options: '', correct: '', policy: 'one-per-voter', seconds: '' }];
    for (const q of questions) addQuestion(q);
    element.hidden = false;
    title.focus();
  }

  function close(): void {
    element.hidden = true;
    deps.onClosed();
  }

  function addQuestion(values: QuestionValues): void {
    made += 1;
    const id = (name: string) => `prof-q${made}-${name}`;
    const field = <T extends HTMLElement>(label: string, name: string, input: T) => {
      input.id = id(name);
      return el('div', { class: 'field' }, [el('label', { text: label, attrs: { for: id(name) } }), input]);
    };
    const text = el('input', { attrs: { type: 'text', required: '', maxlength: '280' } });
    text.value = values.question;
    const options = el('textarea', { attrs: { rows: '4', required: '' } });
    options.value = values.options;
    const correct = el('input', { attrs: { type: 'text' } });
    correct.value = values.correct;
    const policy = el('select');
    policy.append(...POLICIES.map((p) => el('option', { text: t(`editor.policy.${p}`), attrs: { value: p } })));
    policy.value = values.policy;
    const seconds = el('input', { attrs: { type: 'number', min: '1', max: '3600', step: '1', inputmode: 'numeric' } });
    seconds.value = values.seconds;
    const legend = el('legend');
    const remove = el('button', { class: 'link-button', attrs: { type: 'button' } });
    const fieldset = el('fieldset', { class: 'editor-question' }, [
      legend,
      field(t('editor.text'), 'text', text),
      field(t('editor.options'), 'options', options),
      el('div', { class: 'row' }, [field(t('editor.correct'), 'correct', correct), field(t('editor.policy'), 'policy', policy), field(t('editor.seconds'), 'seconds', seconds)]),
      remove,
    ]);
    const entry: QuestionFields = { fieldset, text, options, correct, policy, seconds };
    remove.addEventListener('click', () => {
      const at = fields.indexOf(entry);
      fields = fields.filter((f) => f !== entry);
      fieldset.remove();
      number();
      (fields[Math.min(at, fields.length - 1)]?.text ?? add).focus();
    });
    fields.push(entry);
    list.append(fieldset);
    number();
  }

  /** Legends and remove buttons say which question they are, after any removal. */
  function number(): void {
    fields.forEach((f, index) => {
      setText(f.fieldset.querySelector('legend')!, t('editor.question', { n: index + 1 }));
      const remove = f.fieldset.querySelector<HTMLButtonElement>('.link-button')!;
      setText(remove, t('editor.remove', { n: index + 1 }));
      remove.hidden = fields.length < 2;
    });
  }

  async function save(): Promise<void> {
    const body = {
      title: title.value,
      questions: fields.map((f) => ({
        question: f.text.value,
        options: f.options.value.split('\n').map((line) => line.trim()).filter((line) => line !== ''),
        correct: f.correct.value.trim(),
        policy: f.policy.value,
        seconds: f.seconds.value.trim(),
      })),
    };
    try {
      const lesson = await api<LessonView>(editing === null ? 'POST' : 'PUT', editing === null ? '/api/lessons' : `/api/lessons/${encodeURIComponent(editing)}`, body);
      element.hidden = true;
      deps.onSaved(lesson);
    } catch (failure) {
      setText(error, t('editor.error', { detail: failure instanceof ApiError ? failure.message : String(failure) }));
      title.focus();
    }
  }

  return { element, open };
}
