// home.js — the start page: links to the three pages, language menu.
import {frame, start} from './page.js';

frame(null, {signin: false});
start();
