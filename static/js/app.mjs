// Progressive enhancement only: every page works without this file.
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js';

initAll();
