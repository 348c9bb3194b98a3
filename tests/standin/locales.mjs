// The stand-in page's words in the five languages it is built in. site.mjs and auth-service.mjs fill
// them into the pages (HTML placeholders) and hand the scripts theirs as a JSON block.
// These are plausible renderings of Apple's wording, not captures of the real site: what matters
// for the extension is that labels differ per language and that some look alike (French
// "Télécharger" is both upload and download; "Cancel upload" contains "upload").

export const LOCALES = ['en-us', 'zh-cn', 'de-de', 'fr-fr', 'ja-jp'];
export const DEFAULT_LOCALE = 'en-us';

export function localeOrDefault(locale) {
  return LOCALES.includes(locale) ? locale : DEFAULT_LOCALE;
}

/** All strings of one locale: {shell, app, auth, dataAccess}. */
export function stringsFor(locale) {
  return STRINGS[localeOrDefault(locale)];
}

const STRINGS = {
  'en-us': {
    shell: {
      signInHeading: 'Sign in to iCloud', signIn: 'Sign In', signOut: 'Sign Out', accountMenu: 'Account menu',
      authFrameTitle: 'Sign In with Apple Account', homeTitle: 'iCloud', photosTitle: 'iCloud Photos', apps: 'Apps',
      photos: 'Photos', drive: 'iCloud Drive', mail: 'Mail', notes: 'Notes', contacts: 'Contacts', calendar: 'Calendar',
    },
    app: {
      title: 'Photos', sidebar: 'Photos', library: 'Library', memories: 'Memories', albums: 'Albums',
      upload: 'Upload', cancelUpload: 'Cancel upload', download: 'Download',
      uploaded: 'Uploaded', duplicate: 'Already in your library', failed: "Couldn't upload",
      progress: 'Uploading: {done} of {total} done', complete: 'Upload complete',
      toastOne: 'There was a problem uploading 1 item', toastMany: 'There was a problem uploading {count} items',
      empty: 'No Photos or Videos', favorites: 'Favorites', videos: 'Videos', noMemories: 'No Memories',
    },
    auth: {
      heading: 'Sign in with Apple Account', accountName: 'Email or Phone Number', password: 'Password',
      continue: 'Continue',
    },
    dataAccess: {
      heading: 'Data Access on iCloud.com Is Turned Off',
      body: 'Your iCloud data is available only on your trusted devices. To use iCloud.com, turn on '
        + 'Allow Data Access in iCloud settings on your iPhone, iPad or Mac.',
    },
  },
  'zh-cn': {
    shell: {
      signInHeading: '登录 iCloud', signIn: '登录', signOut: '退出登录', accountMenu: '账户菜单',
      authFrameTitle: '使用 Apple 账户登录', homeTitle: 'iCloud', photosTitle: 'iCloud 照片', apps: 'App',
      photos: '照片', drive: 'iCloud 云盘', mail: '邮件', notes: '备忘录', contacts: '通讯录', calendar: '日历',
    },
    app: {
      title: '照片', sidebar: '照片', library: '图库', memories: '回忆', albums: '相簿',
      upload: '上传', cancelUpload: '取消上传', download: '下载',
      uploaded: '已上传', duplicate: '已在你的图库中', failed: '无法上传',
      progress: '正在上传：已完成 {done} 个，共 {total} 个', complete: '上传完成',
      toastOne: '上传 1 个项目时出现问题', toastMany: '上传 {count} 个项目时出现问题',
      empty: '没有照片或视频', favorites: '个人收藏', videos: '视频', noMemories: '没有回忆',
    },
    auth: { heading: '使用 Apple 账户登录', accountName: '电子邮件或电话号码', password: '密码', continue: '继续' },
    dataAccess: {
      heading: 'iCloud.com 上的数据访问已关闭',
      body: '你的 iCloud 数据仅在你的受信任设备上可用。要使用 iCloud.com，请在 iPhone、iPad 或 Mac 上的'
        + ' iCloud 设置中打开“允许数据访问”（以前称为“在网页上访问 iCloud 数据”）。',
    },
  },
  'de-de': {
    shell: {
      signInHeading: 'Bei iCloud anmelden', signIn: 'Anmelden', signOut: 'Abmelden', accountMenu: 'Accountmenü',
      authFrameTitle: 'Mit Apple Account anmelden', homeTitle: 'iCloud', photosTitle: 'iCloud Fotos', apps: 'Apps',
      photos: 'Fotos', drive: 'iCloud Drive', mail: 'Mail', notes: 'Notizen', contacts: 'Kontakte', calendar: 'Kalender',
    },
    app: {
      title: 'Fotos', sidebar: 'Fotos', library: 'Mediathek', memories: 'Rückblicke', albums: 'Alben',
      upload: 'Hochladen', cancelUpload: 'Upload abbrechen', download: 'Herunterladen',
      uploaded: 'Hochgeladen', duplicate: 'Bereits in deiner Mediathek', failed: 'Hochladen nicht möglich',
      progress: 'Hochladen: {done} von {total} erledigt', complete: 'Hochladen abgeschlossen',
      toastOne: 'Beim Hochladen von 1 Objekt ist ein Problem aufgetreten',
      toastMany: 'Beim Hochladen von {count} Objekten ist ein Problem aufgetreten',
      empty: 'Keine Fotos oder Videos', favorites: 'Favoriten', videos: 'Videos', noMemories: 'Keine Rückblicke',
    },
    auth: {
      heading: 'Mit Apple Account anmelden', accountName: 'E-Mail-Adresse oder Telefonnummer', password: 'Passwort',
      continue: 'Weiter',
    },
    dataAccess: {
      heading: 'Datenzugriff auf iCloud.com ist deaktiviert',
      body: 'Deine iCloud-Daten sind nur auf deinen vertrauenswürdigen Geräten verfügbar. Aktiviere '
        + '„Datenzugriff erlauben“ (früher „Auf iCloud-Daten im Web zugreifen“) in den iCloud-Einstellungen '
        + 'auf deinem iPhone, iPad oder Mac, um iCloud.com zu verwenden.',
    },
  },
  'fr-fr': {
    shell: {
      signInHeading: 'Se connecter à iCloud', signIn: 'Se connecter', signOut: 'Se déconnecter',
      accountMenu: 'Menu du compte', authFrameTitle: 'Se connecter avec un compte Apple', homeTitle: 'iCloud',
      photosTitle: 'Photos iCloud', apps: 'Apps', photos: 'Photos', drive: 'iCloud Drive', mail: 'Mail',
      notes: 'Notes', contacts: 'Contacts', calendar: 'Calendrier',
    },
    app: {
      title: 'Photos', sidebar: 'Photos', library: 'Photothèque', memories: 'Souvenirs', albums: 'Albums',
      // French iCloud is reported to say "Télécharger" for upload; it is also the word for download.
      upload: 'Télécharger vers iCloud', cancelUpload: 'Annuler le téléchargement', download: 'Télécharger',
      uploaded: 'Téléchargé', duplicate: 'Déjà dans votre photothèque', failed: 'Impossible de télécharger',
      progress: 'Téléchargement : {done} sur {total} terminé(s)', complete: 'Téléchargement terminé',
      toastOne: 'Un problème est survenu lors du téléchargement de 1 élément',
      toastMany: 'Un problème est survenu lors du téléchargement de {count} éléments',
      empty: 'Aucune photo ni vidéo', favorites: 'Favoris', videos: 'Vidéos', noMemories: 'Aucun souvenir',
    },
    auth: {
      heading: 'Se connecter avec un compte Apple', accountName: 'E-mail ou numéro de téléphone',
      password: 'Mot de passe', continue: 'Continuer',
    },
    dataAccess: {
      heading: 'L’accès aux données sur iCloud.com est désactivé',
      body: 'Vos données iCloud ne sont disponibles que sur vos appareils de confiance. Pour utiliser '
        + 'iCloud.com, activez « Autoriser l’accès aux données » (anciennement « Accéder aux données iCloud '
        + 'sur le web ») dans les réglages iCloud de votre iPhone, iPad ou Mac.',
    },
  },
  'ja-jp': {
    shell: {
      signInHeading: 'iCloudにサインイン', signIn: 'サインイン', signOut: 'サインアウト', accountMenu: 'アカウントメニュー',
      authFrameTitle: 'Apple Accountでサインイン', homeTitle: 'iCloud', photosTitle: 'iCloud写真', apps: 'App',
      photos: '写真', drive: 'iCloud Drive', mail: 'メール', notes: 'メモ', contacts: '連絡先', calendar: 'カレンダー',
    },
    app: {
      title: '写真', sidebar: '写真', library: 'ライブラリ', memories: 'メモリー', albums: 'アルバム',
      upload: 'アップロード', cancelUpload: 'アップロードをキャンセル', download: 'ダウンロード',
      uploaded: 'アップロード済み', duplicate: 'すでにライブラリにあります', failed: 'アップロードできませんでした',
      progress: 'アップロード中：{total}件中{done}件完了', complete: 'アップロード完了',
      toastOne: '1項目のアップロード中に問題が発生しました', toastMany: '{count}項目のアップロード中に問題が発生しました',
      empty: '写真またはビデオはありません', favorites: 'お気に入り', videos: 'ビデオ', noMemories: 'メモリーはありません',
    },
    auth: {
      heading: 'Apple Accountでサインイン', accountName: 'メールアドレスまたは電話番号', password: 'パスワード',
      continue: '続ける',
    },
    dataAccess: {
      heading: 'iCloud.comでのデータアクセスはオフになっています',
      body: 'iCloudデータは信頼できるデバイスでのみ利用できます。iCloud.comを使用するには、iPhone、iPad、'
        + 'またはMacのiCloud設定で「データへのアクセスを許可」（以前の「WebでiCloudデータにアクセス」）を'
        + 'オンにしてください。',
    },
  },
};
