// The page's own script (an external file: the example pages run under a strict Content-Security-Policy
// with no inline scripts). It changes the first embed's attributes; the embed reacts.
const seed = document.getElementById('seed-choice');
const dark = document.getElementById('dark-choice');
const status = document.getElementById('page-status');
const election = document.getElementById('election');

function apply() {
  election.setAttribute('seed', seed.value);
  election.setAttribute('theme', dark.checked ? 'dark' : 'light');
  status.value = `Seed ${seed.value}, ${dark.checked ? 'dark' : 'light'} theme.`;
}

seed.addEventListener('change', apply);
dark.addEventListener('change', apply);
