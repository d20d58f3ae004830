// home.js — the start page: links to the three pages, language menu.
import {pickLang, langMenus} from './i18n.js';

pickLang();
langMenus();
