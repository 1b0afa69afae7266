import { describe, expect, it } from 'vitest';
import { COURSE_ORDER, courseOrder } from './course-order';

describe('courseOrder', () => {
  it('puts the known lessons in course order, then others by id', () => {
    expect(courseOrder(['zeta', 'paxos', 'alpha', 'leader-election', 'why-agree'])).toEqual(['why-agree', 'leader-election', 'paxos', 'alpha', 'zeta']);
  });
  it('keeps the whole course order and drops duplicates', () => {
    expect(courseOrder([...COURSE_ORDER].reverse())).toEqual(COURSE_ORDER);
    expect(courseOrder(['partitions', 'partitions'])).toEqual(['partitions']);
  });
});
