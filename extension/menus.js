// The context menu: created once in runtime.onInstalled (menus persist), dispatched by id.

import { openArchive, saveAllLinks, saveLink, saveTab } from './actions.js';

export const MENU = Object.freeze({
  ARCHIVE_LINK: 'archive-link',
  ARCHIVE_PAGE: 'archive-page',
  ARCHIVE_ALL_LINKS: 'archive-all-links',
  OPEN_ARCHIVE: 'open-archive',
});

export async function createMenus() {
  await chrome.contextMenus.removeAll();
  const items = [
    { id: MENU.ARCHIVE_LINK, title: 'Archive link', contexts: ['link'] },
    { id: MENU.ARCHIVE_PAGE, title: 'Archive this page', contexts: ['page'] },
    { id: MENU.ARCHIVE_ALL_LINKS, title: 'Archive all links on this page', contexts: ['page'] },
    { id: MENU.OPEN_ARCHIVE, title: 'Open archive', contexts: ['page', 'action'] },
  ];
  for (const item of items) chrome.contextMenus.create(item);
}

export function onMenuClicked(info, tab) {
  switch (info.menuItemId) {
    case MENU.ARCHIVE_LINK:
      return saveLink(info.linkUrl, tab);
    case MENU.ARCHIVE_PAGE:
      return saveTab(tab, 'context-menu');
    case MENU.ARCHIVE_ALL_LINKS:
      return saveAllLinks(tab);
    case MENU.OPEN_ARCHIVE:
      return openArchive();
    default:
      return Promise.resolve({ state: 'ignored' });
  }
}
