import { describe, expect, it } from 'vitest';
import { buildCourse, lessonPathParts } from './course';

const lesson = (id: string, extra = ''): string => `---
id: ${id}
title: Title of ${id}
summary: Summary.
protocol: raft
prerequisites: []
minutes: 5
scenario: scenario.json
---
Intro.

## Step one
Text.${extra}
`;

describe('buildCourse', () => {
  it('parses every lesson, in course order, with the folder files checked', () => {
    const course = buildCourse(
      { '../../../lessons/zz-extra/lesson.md': lesson('zz-extra'), '../../../lessons/leader-election/lesson.md': lesson('leader-election') },
      ['../../../lessons/zz-extra/scenario.json', '../../../lessons/leader-election/scenario.json'],
    );
    expect(course.map((e) => [e.id, e.ok])).toEqual([['leader-election', true], ['zz-extra', true]]);
  });
  it('keeps a lesson that does not parse, with its problems and lines', () => {
    const [entry] = buildCourse({ '../../../lessons/broken/lesson.md': lesson('broken', '\n::: frobnicate') }, []);
    expect(entry!.ok).toBe(false);
    if (entry!.ok) return;
    const messages = entry!.problems.map((p) => `${p.file}:${p.line} ${p.message}`);
    expect(messages.some((m) => m.startsWith('lessons/broken/lesson.md:8 ') && m.includes('scenario.json'))).toBe(true);
    expect(messages.some((m) => m.startsWith('lessons/broken/lesson.md:14 ') && m.includes('unknown directive'))).toBe(true);
  });
  it('reads folder and file from a bundled path', () => {
    expect(lessonPathParts('../../../lessons/a-b/lesson.md')).toEqual({ folder: 'a-b', file: 'lesson.md' });
    expect(lessonPathParts('/src/other.md')).toBeNull();
  });
});
