// page.js — the frame every page shares, written once: the header bar
// (brand, title, language menu and, behind a sign-in, who is signed in
// and the sign-out button), the sign-in card, and the wiring of both.
import {pickLang, langMenus} from './i18n.js';
import {$, say} from './ui.js';

const BAR = `<header class="bar">
  <a class="brand" href="/">plateau</a>
  <h1></h1>
  <span class="grow"></span>
  <span id="who" class="who"></span>
  <select class="lang" id="lang" data-i18n-aria="common.language"></select>
  <button id="signout" type="button" hidden data-i18n="common.signout"></button>
</header>`;

const SIGNIN = `<section id="login-view" class="card narrow" hidden>
  <h2 data-i18n="common.login"></h2>
  <form id="login-form">
    <label><span data-i18n="common.user"></span>
      <input id="user" name="user" autocomplete="username" required></label>
    <label><span data-i18n="common.password"></span>
      <input id="password" name="password" type="password"
             autocomplete="current-password" required></label>
    <button id="login-go" type="submit" class="primary" data-i18n="common.signin"></button>
    <p id="login-msg" class="msg" role="alert"></p>
  </form>
</section>`;

// frame(title, {signin, extra}): puts the header bar first in <body> with
// the string key `title` as its heading (none: no heading) and, when
// `signin`, the sign-in card first in <main>; `extra` is markup put
// before the who/language items. Call it before anything looks for
// these elements.
export function frame(title, {signin = true, extra = ''} = {}) {
	document.body.insertAdjacentHTML('afterbegin', BAR);
	const bar = document.body.firstElementChild;
	const h1 = bar.querySelector('h1');
	if (title)
		h1.dataset.i18n = title;
	else
		h1.remove();
	if (!signin) {
		$('#who').remove();
		$('#signout').remove();
	}
	bar.querySelector('.grow').insertAdjacentHTML('afterend', extra);
	if (signin)
		$('main').insertAdjacentHTML('afterbegin', SIGNIN);
}

// start({api, boot, view, signout}): wires the sign-in form (then
// boot()), the sign-out button (signout() first, if given, then the API
// sign-out and view('login')) and an expired session (view('login')),
// picks the language, and boots when a session is remembered. A page
// with no sign-in passes nothing: only the language.
export function start({api, boot, view, signout} = {}) {
	if (api) {
		$('#login-form').addEventListener('submit', async ev => {
			ev.preventDefault();
			try {
				await api.login($('#user').value.trim(),
					$('#password').value);
				$('#password').value = '';
				say('#login-msg', null);
				await boot();
			} catch (e) {
				say('#login-msg', e);
			}
		});
		$('#signout').addEventListener('click', async () => {
			if (signout)
				signout();
			await api.logout();
			view('login');
		});
		api.onexpired = () => view('login');
	}
	pickLang();
	langMenus();
	if (!api)
		return;
	if (api.session)
		boot();
	else
		view('login');
}
