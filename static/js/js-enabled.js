// Marks the page as having JavaScript, so NHS.UK components can enhance themselves.
// Loaded as a file at the top of <body> because the Content-Security-Policy forbids inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
