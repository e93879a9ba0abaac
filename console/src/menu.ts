import type { Role } from './api/types';

/** The console's pages, and which roles see each in the menu (the API still decides every call). */
export interface MenuEntry {
  path: string;
  label: string;
  roles: readonly Role[];
}

export const menuEntries: MenuEntry[] = [
  { path: '/console/intake', label: '受理登记', roles: ['clerk', 'gridWorker'] },
  { path: '/console/callbacks', label: '待回访', roles: ['clerk'] },
  { path: '/console/triage', label: '待分派', roles: ['dispatcher'] },
  { path: '/console/unit-cases', label: '本单位案件', roles: ['liaison'] },
  { path: '/console/alerts', label: '实时告警', roles: ['supervisor', 'dispatcher', 'admin'] },
  { path: '/console/overdue', label: '超时案件', roles: ['supervisor', 'dispatcher', 'admin'] },
  { path: '/console/approvals', label: '延期与复杂件审批', roles: ['supervisor'] },
  { path: '/console/kpis', label: '考核指标', roles: ['supervisor', 'admin'] },
  { path: '/console/search', label: '案件查询', roles: ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'] },
];

export const menuFor = (role: Role): MenuEntry[] => menuEntries.filter((e) => e.roles.includes(role));

/** Where each role lands after logging in. */
export const homeOf = (role: Role): string => menuFor(role)[0]?.path ?? '/console/search';
