import { describe, expect, it } from 'vitest';
import { csvRow, parseCsv } from '../../shared/csv.js';
import { lessonFromCsv, lessonToCsv, validateLesson } from '../../shared/lesson.js';

describe('CSV as spreadsheets write it', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks; CRLF, a BOM, blank lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","he said ""hi""","two\r\nlines"\r\n\r\nplain,,end\n';
    expect(parseCsv(text)).toEqual({ ok: true, rows: [['a', 'b', 'c'], ['x, y', 'he said "hi"', 'two\r\nlines'], ['plain', '', 'end']] });
  });

  it('reads a French spreadsheet\'s semicolons', () => {
    expect(parseCsv('question;options\n"Oui; ou non ?";Oui | Non\n')).toEqual({ ok: true, rows: [['question', 'options'], ['Oui; ou non ?', 'Oui | Non']] });
  });

  it('names the line of a broken quote', () => {
    expect(parseCsv('a,b\n"open,b\n')).toMatchObject({ ok: false, detail: expect.stringContaining('never closed') });
    expect(parseCsv('a,b\n"x"y,b\n')).toMatchObject({ ok: false, detail: expect.stringMatching(/^line 2: text after a closing quote/) });
  });

  it('writes what it reads back, formulas kept as text', () => {
    const cells = ['a,b', 'say "x"', 'multi\nline', '=SUM(A1)', 'plain'];
    expect(parseCsv(csvRow(cells))).toEqual({ ok: true, rows: [['a,b', 'say "x"', 'multi\nline', "'=SUM(A1)", 'plain']] });
  });
});

describe('lessons', () => {
  const csv = [
    'question,options,correct,policy,seconds',
    '"Capitale de la France, svp ?",Paris | Lyon | Marseille,Paris,one-per-voter,30',
    'Quel cours ?,IFT1215 | MAT1400,,every-press,',
    '"Dites ""oui""",oui=Oui | non=Non,oui,last-wins,',
  ].join('\n');

  it('reads a CSV lesson: options by id or label, the correct answer by id or label, policy and seconds', () => {
    const result = lessonFromCsv(csv, 'Géographie');
    expect(result).toEqual({
      ok: true,
      value: {
        title: 'Géographie',
        questions: [
          {
            question: 'Capitale de la France, svp ?',
            options: [{ id: 'Paris', label: 'Paris' }, { id: 'Lyon', label: 'Lyon' }, { id: 'Marseille', label: 'Marseille' }],
            correct: 'Paris',
            policy: 'one-per-voter',
            seconds: 30,
          },
          { question: 'Quel cours ?', options: [{ id: 'IFT1215', label: 'IFT1215' }, { id: 'MAT1400', label: 'MAT1400' }], correct: null, policy: 'every-press', seconds: null },
          { question: 'Dites "oui"', options: [{ id: 'oui', label: 'Oui' }, { id: 'non', label: 'Non' }], correct: 'oui', policy: 'last-wins', seconds: null },
        ],
      },
    });
  });

  it('labels that are not ids get A, B, C… by position', () => {
    const result = lessonFromCsv('question,options\nÇa va ?,Très bien | Pas du tout\n', 't');
    expect(result.ok && result.value.questions[0]?.options).toEqual([{ id: 'A', label: 'Très bien' }, { id: 'B', label: 'Pas du tout' }]);
  });

  it('exports a lesson as the CSV it imports', () => {
    const first = lessonFromCsv(csv, 'Géographie');
    if (!first.ok) throw new Error(first.detail);
    expect(lessonFromCsv(lessonToCsv(first.value.questions), 'Géographie')).toEqual(first);
  });

  it('refuses a bad lesson with the row or field to fix', () => {
    expect(lessonFromCsv('question,options\nQ ?,Seul\n', 't')).toEqual({ ok: false, detail: 'row 2: give 2 to 26 options' });
    expect(lessonFromCsv('question,options,correct\nQ ?,A | B,C\n', 't')).toMatchObject({ ok: false, detail: expect.stringMatching(/^row 2: the correct answer "C"/) });
    expect(lessonFromCsv('question,options,seconds\nQ ?,A | B,-3\n', 't')).toMatchObject({ ok: false, detail: expect.stringMatching(/^row 2: seconds must be/) });
    expect(lessonFromCsv('question,choices\nQ ?,A | B\n', 't')).toMatchObject({ ok: false, detail: expect.stringContaining('missing: options') });
    expect(validateLesson({ title: '', questions: [] })).toMatchObject({ ok: false, detail: expect.stringMatching(/^title/) });
    expect(validateLesson({ title: 'x', questions: [{ question: 'Q', options: ['A', 'B'], policy: 'nope' }] })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^question 1: policy must be/),
    });
  });
});
