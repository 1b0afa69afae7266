/**
 * Entry point of the page: mounts the lab, the side-by-side view, the course, a lesson, or presenter
 * mode and its notes window (src/ui/lessons/route.ts).
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { routeOf } from './lessons/route';
import './theme.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element to mount Faultline into');

// `?view=compare`: two protocols side by side (src/ui/compare/compare.ts); `?view=course`: the
// lessons; `?lesson=<id>&step=<n>`: a lesson beside the lab; `?view=present&deck=<id>&scene=<n>` and
// `?view=notes&deck=<id>`: presenter mode (src/ui/present, its own chunk with the bundled decks, loaded
// only here); anything else is the lab. The side-by-side view, the course and a lesson are chunks of
// their own too, loaded only for their view: the lab's initial JavaScript has a budget (BENCHMARKS.md, 250 KB).
const route = routeOf(location.search);
export default route.view === 'present' || route.view === 'notes'
  ? import('./present/PresentPage.svelte').then(({ default: PresentPage }) =>
      mount(PresentPage, { target, props: { view: route.view === 'notes' ? 'notes' : 'present', deck: route.deck, scene: route.view === 'present' ? route.scene : null } }),
    )
  : route.view === 'compare'
    ? import('./Compare.svelte').then(({ default: Compare }) => mount(Compare, { target }))
    : route.view === 'course'
      ? import('./lessons/CoursePage.svelte').then(({ default: CoursePage }) => mount(CoursePage, { target }))
      : route.view === 'lesson'
        ? import('./lessons/LessonPage.svelte').then(({ default: LessonPage }) => mount(LessonPage, { target, props: { id: route.id, step: route.step } }))
        : mount(App, { target });
