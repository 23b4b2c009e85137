/** The playground page: three sections, each built from tapegrad's packages as a browser user gets them. */
import './style.css';
import { backpropPanel } from './backprop-panel.js';
import { digitsPanel } from './digits-panel.js';
import { regressionPanel } from './regression-panel.js';

document.querySelector('#app')!.replaceChildren(backpropPanel(), regressionPanel(), digitsPanel());
document.body.dataset.ready = 'true';
