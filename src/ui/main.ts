/** Entry point of the page: mounts the lab, or the side-by-side view. */
import { mount } from 'svelte';
import App from './App.svelte';
import Compare from './Compare.svelte';
import { isCompareUrl } from './compare/compare';
import './theme.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element to mount Faultline into');

// `?view=compare`: two protocols side by side (src/ui/compare/compare.ts); anything else is the lab.
export default isCompareUrl(location.search) ? mount(Compare, { target }) : mount(App, { target });
