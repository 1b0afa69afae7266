/** A lesson for unit tests: the front matter every test lesson shares, then `body` (its steps). */
import { parseLesson, type Lesson } from '../../lessons/lesson';

export function demoLesson(body: string, files: readonly string[] = ['scenario.json']): Lesson {
  const text = `---
id: demo
title: Demo
summary: A demo.
protocol: raft
prerequisites: []
minutes: 5
scenario: scenario.json
---
${body}`;
  const parsed = parseLesson(text, 'demo', files);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.lesson;
}
