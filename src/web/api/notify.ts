import { notifications } from '@mantine/notifications';
import { errorMessage } from './client';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'brand', title: 'Done', message, autoClose: 3500 });
}

export function notifyError(err: unknown, title = 'That did not work'): void {
  notifications.show({ color: 'red', title, message: errorMessage(err), autoClose: 7000 });
}
